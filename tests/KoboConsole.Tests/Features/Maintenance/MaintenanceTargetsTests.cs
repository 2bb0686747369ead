using KoboConsole.Web.Features.Hosts;
using KoboConsole.Web.Features.Maintenance;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Tests.Features.Maintenance;

public sealed class MaintenanceTargetsTests
{
    [Theory]
    [InlineData(true, false, "off")]
    [InlineData(false, true, "on")]
    [InlineData(false, false, "down")]
    [InlineData(true, true, "conflict")]
    public void Find_ContainerStates_GiveTheState(bool nginxRunning, bool maintenanceRunning, string expected)
    {
        var snapshot = Snapshot(
            Container("local", "acme-kobofe", "nginx", nginxRunning),
            Container("local", "acme-kobomaintenance", "maintenance", maintenanceRunning));

        var (hosts, error) = MaintenanceTargets.Find(snapshot);

        Assert.Null(error);
        Assert.Equal(expected, Assert.Single(hosts).State);
        Assert.Equal(expected, MaintenanceTargets.Overall(hosts));
    }

    [Fact]
    public void Find_KoboInstallMaintenanceProject_IsRecognised()
    {
        var snapshot = Snapshot(Container("local", "kobofe", "nginx", false), Container("local", "kobomaintenance", "maintenance", true));

        var host = Assert.Single(MaintenanceTargets.Find(snapshot).Hosts);

        Assert.Equal("on", host.State);
        Assert.Equal("kobomaintenance", host.MaintenanceProject);
    }

    [Fact]
    public void Find_TwoInstalls_RefusesAndNamesThePrefixSetting()
    {
        var snapshot = Snapshot(Container("local", "acme-kobofe", "nginx", true), Container("local", "kobofe", "nginx", true));

        var (hosts, error) = MaintenanceTargets.Find(snapshot);

        Assert.Empty(hosts);
        Assert.Contains("KoboConsole:Stack:Prefix", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Overall_HostsDisagree_IsConflict()
    {
        var snapshot = Snapshot(Container("fe1", "kobofe", "nginx", true), Container("fe2", "kobofe", "nginx", false),
            Container("fe2", "kobomaintenance", "maintenance", true));

        Assert.Equal("conflict", MaintenanceTargets.Overall(MaintenanceTargets.Find(snapshot).Hosts));
    }

    [Theory]
    [InlineData("kobofe", "kobomaintenance")]
    [InlineData("kobodocker", "kobomaintenance")]
    [InlineData("acme-kobofe", "acme-kobomaintenance")]
    public void MaintenanceProjectOf_FrontendProject_IsKoboInstallsName(string project, string expected) =>
        Assert.Equal(expected, MaintenanceTargets.MaintenanceProjectOf(project));

    private static StackSnapshot Snapshot(params KoboContainer[] containers) =>
        new([new HostStatus("local", "unix:///var/run/docker.sock", true, "20.10", null, DateTimeOffset.UnixEpoch)], containers, DateTimeOffset.UnixEpoch);

    private static KoboContainer Container(string host, string project, string service, bool running) =>
        new(host, Guid.NewGuid().ToString("N"), $"{project}-{service}-1", project, service, KoboNames.RoleOf(service), running ? "running" : "exited", "",
            "kobo-testbed/services", DateTimeOffset.UnixEpoch, false, [], [], new Dictionary<string, string>());
}
