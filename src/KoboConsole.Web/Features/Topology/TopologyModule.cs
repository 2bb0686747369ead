using KoboConsole.Web.Features.Topology.Health;
using KoboConsole.Web.Features.Topology.Stats;
using KoboConsole.Web.Infrastructure.Probes;

namespace KoboConsole.Web.Features.Topology;

public static class TopologyModule
{
    public static WebApplicationBuilder AddTopology(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TopologyService>();
        builder.Services.AddSingleton<TopologyLive>();
        builder.Services.AddSingleton<ContainerActions>();
        builder.Services.AddServiceProbes();
        builder.Services.AddSingleton<ServiceHealth>();
        builder.Services.AddSingleton<HealthWatch>();
        builder.Services.AddSingleton<StatsSampler>();
        return builder;
    }
}
