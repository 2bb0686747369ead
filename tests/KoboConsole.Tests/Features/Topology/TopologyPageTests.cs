using Bunit;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Features.Topology;
using KoboConsole.Web.Features.Topology.Health;
using KoboConsole.Web.Infrastructure.Docker;
using KoboConsole.Web.Infrastructure.Probes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor.Services;

namespace KoboConsole.Tests.Features.Topology;

public sealed class TopologyPageTests : IAsyncLifetime
{
    private readonly BunitContext _ctx = new();

    public Task InitializeAsync()
    {
        _ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        _ctx.Services.AddMudServices();
        _ctx.Services.AddLogging();
        _ctx.Services.AddOptions<StackOptions>();
        _ctx.Services.AddSingleton(TimeProvider.System);
        _ctx.Services.AddSingleton<IDockerHosts>(new DownEngine("backend"));
        _ctx.Services.AddSingleton<StackDiscovery>();
        _ctx.Services.AddSingleton<TopologyService>();
        _ctx.Services.AddSingleton<TopologyLive>();
        // Never called here (no container to act on); AuditLog is only needed to build ContainerActions.
        _ctx.Services.AddSingleton(new AuditLog(null!, TimeProvider.System));
        _ctx.Services.AddSingleton<ContainerActions>();
        _ctx.Services.AddServiceProbes();
        _ctx.Services.AddSingleton<ServiceHealth>();
        _ctx.Services.AddSingleton<HealthWatch>();
        _ctx.Services.AddSingleton(NullLoggerFactory.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _ctx.DisposeAsync();

    [Fact]
    public void TopologyPage_HostDown_ShowsTheHostErrorAndReconnecting()
    {
        _ctx.AddAuthorization().SetAuthorized("vera").SetRoles("viewer");

        var cut = _ctx.Render<TopologyPage>();

        cut.WaitForAssertion(() =>
        {
            Assert.Contains("reconnecting", cut.Find("[data-testid=reconnecting]").TextContent, StringComparison.Ordinal);
            Assert.Contains("unix:///run/gone.sock", cut.Find("[data-testid=host-down]").TextContent, StringComparison.Ordinal);
            Assert.Contains("reconnecting", cut.Find("[data-testid=stream-backend]").TextContent, StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(10));
    }
}
