using KoboConsole.Web.Features.Topology;
using static KoboConsole.Tests.Features.Topology.TopologySamples;

namespace KoboConsole.Tests.Features.Topology;

public sealed class SecondConfirmationTests
{
    private const string ConsoleId = "0123456789ab0000000000000000000000000000000000000000000000000000";

    [Fact]
    public void SecondConfirmation_LastRunningNginxWithoutMaintenance_WarnsThatUsersGetErrors()
    {
        var nginx = Container("n1", "nginx", "frontend");
        var warning = ContainerActions.SecondConfirmation(nginx, [nginx, Container("k1", "kpi", "frontend")], null);

        Assert.NotNull(warning);
        Assert.Contains("last running nginx", warning, StringComparison.Ordinal);
        Assert.Contains("Turn maintenance on first", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void SecondConfirmation_MaintenancePageRuns_OneConfirmationIsEnough()
    {
        var nginx = Container("n1", "nginx", "frontend");
        Assert.Null(ContainerActions.SecondConfirmation(nginx, [nginx, Container("m1", "maintenance", "maintenance")], null));
    }

    [Fact]
    public void SecondConfirmation_AnotherNginxRunsOnASecondFrontEnd_OneConfirmationIsEnough()
    {
        var nginx = Container("n1", "nginx", "frontend", host: "fe1");
        Assert.Null(ContainerActions.SecondConfirmation(nginx, [nginx, Container("n2", "nginx", "frontend", host: "fe2")], null));
    }

    [Fact]
    public void SecondConfirmation_TheOtherNginxIsStopped_StillWarns()
    {
        var nginx = Container("n1", "nginx", "frontend", host: "fe1");
        Assert.NotNull(ContainerActions.SecondConfirmation(nginx, [nginx, Container("n2", "nginx", "frontend", "exited", host: "fe2")], null));
    }

    [Fact]
    public void SecondConfirmation_TheConsolesOwnContainer_WarnsThatThePageStopsAnswering()
    {
        var console = Container(ConsoleId, "koboconsole", "other");
        var warning = ContainerActions.SecondConfirmation(console, [console], ConsoleId[..12]);

        Assert.NotNull(warning);
        Assert.Contains("runs this console", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void SecondConfirmation_AnOrdinaryWorker_OneConfirmationIsEnough()
    {
        var worker = Container("w1", "worker", "frontend");
        Assert.Null(ContainerActions.SecondConfirmation(worker, [worker], ConsoleId[..12]));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("kobo-console")] // a HOSTNAME set by hand is not a container id
    public void IsConsoleItself_HostnameIsNoShortContainerId_False(string? hostname) =>
        Assert.False(ContainerActions.IsConsoleItself(ConsoleId, hostname));
}
