using Bunit;
using KoboConsole.Web.Features.Checks;

namespace KoboConsole.Tests.Features.Checks;

public sealed class ChecksOverviewTests : MudComponentTest
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static CheckChange Change(int seq, string target, double hoursAgo, string state, string? mutedBy = null) =>
        new(seq, CheckKinds.Probe, target, state, $"{target} {state}", Now.AddHours(-hoursAgo), mutedBy);

    private static CheckStatus Status(string target, string state, double sinceHoursAgo, string? mutedBy = null, string check = CheckKinds.Probe) =>
        new(check, target, state, $"{target} is {state}", Now.AddHours(-sinceHoursAgo), Now, mutedBy);

    [Fact]
    public void UptimeBars_OutageLastNight_OneRedBarAmongGreen()
    {
        var bars = Uptime.Bars([Change(1, "redis", 30, CheckStates.Ok), Change(2, "redis", 9.5, CheckStates.Failing), Change(3, "redis", 9.2, CheckStates.Ok)], Now.AddHours(-24), Now, 24);

        var cut = Ctx.Render<UptimeBars>(p => p.Add(b => b.Bars, bars).Add(b => b.Label, "redis: 98.75 % ok over 24 h"));

        var spans = cut.FindAll("[data-state]");
        Assert.Equal(24, spans.Count);
        Assert.Equal(["failing"], spans.Where(s => s.GetAttribute("data-state") != "ok").Select(s => s.GetAttribute("data-state")));
        Assert.Equal("failing", spans[14].GetAttribute("data-state"));
        Assert.Equal("redis: 98.75 % ok over 24 h", cut.Find("[data-testid=uptime-bars]").GetAttribute("aria-label"));
    }

    [Fact]
    public void Build_FailingWarningMutedAndOk_OpenProblemsWorstFirstMutedLeftOut()
    {
        var statuses = new[]
        {
            Status("kobobe-redis_main-1", CheckStates.Warning, 1),
            Status("kobobe-postgres-1", CheckStates.Failing, 2),
            Status("kpi", CheckStates.Failing, 3, "the maintenance page is on", CheckKinds.Http),
            Status("kobobe-mongo-1", CheckStates.Ok, 5),
        };

        var overview = CheckOverview.Build(statuses, [], Now.AddHours(-24), Now);

        Assert.Equal(["kobobe-postgres-1", "kobobe-redis_main-1"], overview.Open.Select(s => s.Target));
        Assert.Equal((1, 1), (overview.Failing, overview.Warnings));
        Assert.Equal(["The site through nginx", "Databases and caches"], overview.Groups.Select(g => g.Title));
        Assert.Equal("kobobe-postgres-1", overview.Groups[1].Rows[0].Status.Target);
    }

    [Fact]
    public void Build_OutageWithinRange_IsAnIncidentWithItsDuration()
    {
        var history = new[] { Change(1, "redis", 30, CheckStates.Ok), Change(2, "redis", 10, CheckStates.Failing), Change(3, "redis", 9, CheckStates.Ok), Change(4, "old", 40, CheckStates.Failing), Change(5, "old", 39, CheckStates.Ok) };

        var overview = CheckOverview.Build([Status("redis", CheckStates.Ok, 9), Status("old", CheckStates.Ok, 39)], history, Now.AddHours(-24), Now);

        var incident = Assert.Single(overview.Incidents);
        Assert.Equal(("redis", TimeSpan.FromHours(1)), (incident.Target, incident.Duration(Now)));
        Assert.Equal("1 h 0 min", CheckOverview.Say(incident.Duration(Now)));
    }
}
