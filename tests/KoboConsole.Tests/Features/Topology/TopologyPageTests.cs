using Bunit;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Features.Topology;
using KoboConsole.Web.Features.Topology.Health;
using KoboConsole.Web.Infrastructure.Docker;
using KoboConsole.Web.Infrastructure.Probes;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor.Services;

namespace KoboConsole.Tests.Features.Topology;

public sealed class TopologyPageTests : MudComponentTest
{
    public override Task InitializeAsync()
    {
        Ctx.Services.AddLogging();
        Ctx.Services.AddOptions<StackOptions>();
        Ctx.Services.AddSingleton(TimeProvider.System);
        Ctx.Services.AddSingleton<IDockerHosts>(new DownEngine("backend"));
        Ctx.Services.AddSingleton<StackDiscovery>();
        Ctx.Services.AddSingleton<TopologyService>();
        Ctx.Services.AddSingleton<TopologyLive>();
        Ctx.Services.AddSingleton<KoboConsole.Web.Features.Topology.Stats.StatsSampler>();
        // Never called here (no container to act on); AuditLog is only needed to build ContainerActions.
        Ctx.Services.AddSingleton(new AuditLog(null!, TimeProvider.System));
        Ctx.Services.AddSingleton<ContainerActions>();
        Ctx.Services.AddServiceProbes();
        Ctx.Services.AddSingleton<ServiceHealth>();
        Ctx.Services.AddSingleton<HealthWatch>();
        Ctx.Services.AddSingleton(NullLoggerFactory.Instance);
        return Task.CompletedTask;
    }

    [Fact]
    public void TopologyPage_HostDown_ShowsTheHostErrorAndReconnecting()
    {
        Ctx.AddAuthorization().SetAuthorized("vera").SetRoles("viewer");

        Ctx.Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true)); // the page follows live data only when interactive
        var cut = Ctx.Render<TopologyPage>();

        cut.WaitForAssertion(() =>
        {
            Assert.Contains("reconnecting", cut.Find("[data-testid=reconnecting]").TextContent, StringComparison.Ordinal);
            Assert.Contains("unix:///run/gone.sock", cut.Find("[data-testid=host-down]").TextContent, StringComparison.Ordinal);
            Assert.Contains("reconnecting", cut.Find("[data-testid=stream-backend]").TextContent, StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(10));
    }
}
