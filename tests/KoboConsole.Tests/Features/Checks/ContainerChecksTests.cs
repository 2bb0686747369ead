using KoboConsole.Web.Features.Checks;
using KoboConsole.Web.Features.Topology;

namespace KoboConsole.Tests.Features.Checks;

public sealed class ContainerChecksTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
    private static readonly ChecksOptions Options = new() { RestartLoopCount = 3, RestartLoopMinutes = 10 };

    internal static TopologyContainer Container(string service, string state = "running", string health = "none", int restarts = 0, string host = "main", string? name = null) =>
        new($"id-{service}-{host}", name ?? $"kobofe-{service}-1", host, "kobofe", service, "frontend", state, health, "img", Now, restarts, [], []);

    private static CheckResult One(TopologyContainer c, RestartLoops? loops = null) =>
        Assert.Single(ContainerChecks.Evaluate(new TopologyView([], [c], []), loops ?? new RestartLoops(), Options, Now));

    [Fact]
    public void Evaluate_RunningWithoutHealthcheck_Ok()
    {
        var r = One(Container("kpi"));

        Assert.Equal((CheckKinds.Container, "kobofe-kpi-1", CheckStates.Ok), (r.Check, r.Target, r.State));
    }

    [Fact]
    public void Evaluate_Exited_FailingAndSaysHowToStart()
    {
        var r = One(Container("worker", state: "exited"));

        Assert.Equal(CheckStates.Failing, r.State);
        Assert.Contains("is exited", r.Message, StringComparison.Ordinal);
        Assert.Contains("docker start kobofe-worker-1", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_StoppedMaintenanceContainer_OkBecauseItRunsOnlyWhenNeeded() =>
        Assert.Equal(CheckStates.Ok, One(Container("maintenance", state: "exited")).State);

    [Theory]
    [InlineData("unhealthy", CheckStates.Failing)]
    [InlineData("starting", CheckStates.Warning)]
    [InlineData("healthy", CheckStates.Ok)]
    public void Evaluate_DockerHealth_MapsToState(string health, string expected) =>
        Assert.Equal(expected, One(Container("kpi", health: health)).State);

    [Fact]
    public void Evaluate_MoreThanNRestartsWithinWindow_RestartLoop()
    {
        var loops = new RestartLoops();
        var view0 = new TopologyView([], [Container("worker", restarts: 10)], []);
        var view1 = new TopologyView([], [Container("worker", state: "restarting", restarts: 14)], []);
        Assert.Equal(CheckStates.Ok, Assert.Single(ContainerChecks.Evaluate(view0, loops, Options, Now)).State);

        var r = Assert.Single(ContainerChecks.Evaluate(view1, loops, Options, Now.AddMinutes(2)));

        Assert.Equal(CheckStates.Failing, r.State);
        Assert.Contains("restart loop: 4 restarts in the last 10 minutes", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_RestartsSpreadBeyondWindow_NotALoop()
    {
        var loops = new RestartLoops();
        for (var i = 0; i <= 6; i++)
        {
            // Two restarts every 10 minutes: never more than 3 within any 10 minutes.
            var r = Assert.Single(ContainerChecks.Evaluate(new TopologyView([], [Container("worker", restarts: i * 2)], []), loops, Options, Now.AddMinutes(i * 10)));
            Assert.Equal(CheckStates.Ok, r.State);
        }
    }

    [Fact]
    public void Target_SameNameOnTwoHosts_NamesTheHost()
    {
        var a = Container("postgres", host: "back1", name: "kobobe-postgres-1");
        var b = Container("postgres", host: "back2", name: "kobobe-postgres-1");

        var results = ContainerChecks.Evaluate(new TopologyView([], [a, b], []), new RestartLoops(), Options, Now);

        Assert.Equal(["kobobe-postgres-1@back1", "kobobe-postgres-1@back2"], results.Select(r => r.Target));
    }
}
