using KoboConsole.Web.Features.Checks;

namespace KoboConsole.Tests.Features.Checks;

public sealed class UptimeTests
{
    private static readonly DateTimeOffset From = new(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = From.AddHours(24);

    private static CheckChange At(int seq, double hours, string state, string? mutedBy = null) =>
        new(seq, CheckKinds.Probe, "redis", state, state, From.AddHours(hours), mutedBy);

    [Fact]
    public void Bars_OutageInThirdHour_OnlyThatBarFailing()
    {
        var bars = Uptime.Bars([At(1, -5, CheckStates.Ok), At(2, 2.25, CheckStates.Failing), At(3, 2.5, CheckStates.Ok)], From, To, 24);

        Assert.Equal(24, bars.Count);
        Assert.Equal(CheckStates.Failing, bars[2].State);
        Assert.All(bars.Where((_, i) => i != 2), b => Assert.Equal(CheckStates.Ok, b.State));
        Assert.Equal(To, bars[^1].End);
    }

    [Fact]
    public void Bars_BeforeFirstCheck_None() =>
        Assert.Equal([Uptime.None, CheckStates.Ok], Uptime.Bars([At(1, 12, CheckStates.Ok)], From, To, 2).Select(b => b.State));

    [Fact]
    public void Bars_MutedOutage_Muted() =>
        Assert.Equal([CheckStates.Ok, Uptime.Muted], Uptime.Bars([At(1, 0, CheckStates.Ok), At(2, 13, CheckStates.Failing, "maintenance window w1")], From, To, 2).Select(b => b.State));

    [Fact]
    public void Percent_SixHoursFailingOfTwentyFour_SeventyFive() =>
        Assert.Equal(75, Uptime.Percent([At(1, -1, CheckStates.Ok), At(2, 6, CheckStates.Failing), At(3, 12, CheckStates.Ok)], From, To)!.Value, 3);

    [Fact]
    public void Percent_MutedTimeLeftOut_Hundred() =>
        Assert.Equal(100, Uptime.Percent([At(1, -1, CheckStates.Ok), At(2, 6, CheckStates.Failing, "w"), At(3, 12, CheckStates.Ok)], From, To)!.Value, 3);

    [Fact]
    public void Incidents_ClosedAndOpen_NewestFirstWithDurations()
    {
        var incidents = Uptime.Incidents([At(1, 0, CheckStates.Ok), At(2, 1, CheckStates.Warning), At(3, 1.5, CheckStates.Failing), At(4, 3, CheckStates.Ok), At(5, 20, CheckStates.Failing)]);

        Assert.Equal(2, incidents.Count);
        Assert.Null(incidents[0].End);
        Assert.Equal(TimeSpan.FromHours(2), incidents[0].Duration(From.AddHours(22)));
        Assert.Equal(CheckStates.Failing, incidents[1].State);
        Assert.Equal(TimeSpan.FromHours(2), incidents[1].Duration(To));
    }

    [Fact]
    public void Incidents_MutedFailure_NotAnIncident() =>
        Assert.Empty(Uptime.Incidents([At(1, 0, CheckStates.Ok), At(2, 1, CheckStates.Failing, "the maintenance page is on"), At(3, 2, CheckStates.Ok)]));

    [Fact]
    public void MutedPeriods_OutageDuringAWindowThenAReal_OneMutedPeriodWithItsReason()
    {
        var changes = new[]
        {
            At(1, 0, CheckStates.Ok),
            At(2, 1, CheckStates.Failing, "maintenance window w1"),
            At(3, 3, CheckStates.Failing), // the window ended, the outage did not
            At(4, 4, CheckStates.Ok),
        };

        var muted = Assert.Single(Uptime.MutedPeriods(changes));

        Assert.Equal((From.AddHours(1), (DateTimeOffset?)From.AddHours(3), "maintenance window w1"), (muted.Start, muted.End, muted.MutedBy));
        Assert.Equal(From.AddHours(3), Assert.Single(Uptime.Incidents(changes)).Start);
    }

    [Fact]
    public void MutedPeriods_StillMuted_OpenEnded() =>
        Assert.Null(Assert.Single(Uptime.MutedPeriods([At(1, 0, CheckStates.Ok), At(2, 1, CheckStates.Failing, "the maintenance page is on")])).End);
}
