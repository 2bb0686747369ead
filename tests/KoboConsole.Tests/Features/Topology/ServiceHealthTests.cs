using KoboConsole.Web.Features.Topology;
using KoboConsole.Web.Features.Topology.Health;

namespace KoboConsole.Tests.Features.Topology;

public sealed class ServiceHealthTests
{
    // No engine and no probes: the rows below must come without reaching anything.
    private readonly ServiceHealth _health = new(null!, null!, null!, null!, TimeProvider.System);

    [Fact]
    public async Task ProbeAllAsync_NginxStoppedForTheMaintenancePage_KpiKeepsItsRowMarkedMaintenance()
    {
        var view = new TopologyView([], [
            TopologySamples.Container("n", "nginx", "frontend", state: "exited"),
            TopologySamples.Container("k", "kpi", "frontend"),
            TopologySamples.Container("m", "maintenance", "maintenance"),
        ], []);

        var results = await _health.ProbeAllAsync(view, CancellationToken.None);

        var kpi = Assert.Single(results);
        Assert.Equal("kpi (through nginx)", kpi.Service);
        Assert.True(kpi.Maintenance);
        Assert.False(kpi.Ok);
        Assert.Contains("maintenance page", kpi.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAllAsync_NginxStoppedWithoutMaintenancePage_NoMaintenanceRow()
    {
        var view = new TopologyView([], [
            TopologySamples.Container("n", "nginx", "frontend", state: "exited"),
            TopologySamples.Container("m", "maintenance", "maintenance", host: "other"),
        ], []);

        Assert.Empty(await _health.ProbeAllAsync(view, CancellationToken.None));
    }
}
