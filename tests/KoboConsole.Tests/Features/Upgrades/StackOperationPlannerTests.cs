using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Features.Upgrades;

namespace KoboConsole.Tests.Features.Upgrades;

public sealed class StackOperationPlannerTests
{
    private static KoboContainer C(string service, KoboRole role, string host = "main", bool oneOff = false) =>
        new(host, service + "-id", $"kobo-{service}-1", role == KoboRole.Backend ? "kobobe" : "kobofe", service, role, "running", "Up", "img", DateTimeOffset.UnixEpoch,
            oneOff, [], [], new Dictionary<string, string>());

    private static readonly IReadOnlyList<KoboContainer> Stack =
    [
        C("postgres", KoboRole.Backend, "back"), C("redis_main", KoboRole.Backend, "back"), C("kpi", KoboRole.Frontend), C("nginx", KoboRole.Frontend),
        C("worker", KoboRole.Frontend), C("maintenance", KoboRole.Maintenance), C("kpi", KoboRole.Frontend, oneOff: true),
    ];

    [Fact]
    public void Plan_RestartAll_StopsNginxFrontBackThenStartsBackFrontNginx()
    {
        var phases = StackOperationPlanner.Plan(Stack, "all", "restart");

        Assert.Equal(["stop nginx", "stop front end", "stop back end", "start back end", "start front end", "start nginx"], phases.Select(p => p.Name));
        Assert.Equal(["kpi", "worker"], phases[1].Containers.Select(c => c.Service));
        Assert.True(phases[3].WaitForPostgres);
        Assert.DoesNotContain(phases.SelectMany(p => p.Containers), c => c.OneOff || c.Role == KoboRole.Maintenance);
    }

    [Fact]
    public void Plan_StopBackend_OnlyTheBackEnd()
    {
        var phase = Assert.Single(StackOperationPlanner.Plan(Stack, "backend", "stop"));

        Assert.Equal("stop back end", phase.Name);
        Assert.Equal(["postgres", "redis_main"], phase.Containers.Select(c => c.Service));
    }

    [Fact]
    public void Plan_StartFrontend_NginxLastNoDatabaseWait()
    {
        var phases = StackOperationPlanner.Plan(Stack, "frontend", "start");

        Assert.Equal(["start front end", "start nginx"], phases.Select(p => p.Name));
        Assert.All(phases, p => Assert.False(p.WaitForPostgres));
    }

    [Fact]
    public void View_NamesContainersWithTheirHosts()
    {
        var view = StackOperationPlanner.View(StackOperationPlanner.Plan(Stack, "backend", "start"));

        Assert.Equal(["kobo-postgres-1 on back", "kobo-redis_main-1 on back"], Assert.Single(view).Containers);
    }

    [Fact]
    public void Plan_RestartFrontendWithMaintenance_PageStandsInForNginxAndComesDownLast()
    {
        var phases = StackOperationPlanner.Plan(Stack, "frontend", "restart", maintenance: true);

        Assert.Equal(["maintenance on", "stop front end", "start front end", "maintenance off"], phases.Select(p => p.Name));
        Assert.DoesNotContain(phases.SelectMany(p => p.Containers), c => c.Service == "nginx");
    }

    [Fact]
    public void Plan_StopAllWithMaintenance_PageStaysUp()
    {
        var phases = StackOperationPlanner.Plan(Stack, "all", "stop", maintenance: true);

        Assert.Equal(["maintenance on", "stop front end", "stop back end"], phases.Select(p => p.Name));
    }
}
