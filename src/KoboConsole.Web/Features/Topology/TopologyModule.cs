namespace KoboConsole.Web.Features.Topology;

public static class TopologyModule
{
    public static WebApplicationBuilder AddTopology(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TopologyService>();
        builder.Services.AddSingleton<TopologyLive>();
        builder.Services.AddSingleton<ContainerActions>();
        return builder;
    }
}
