using KoboConsole.Web.Features.Checks;
using KoboConsole.Web.Features.Checks.Alerts;
using Microsoft.Extensions.Time.Testing;

namespace KoboConsole.Tests.Features.Checks;

/// <summary>The alert rules, round by round, on a fake clock: grace period, recovery, reminders, muting.</summary>
public sealed class CheckAlertsTests
{
    private const string Window = "maintenance window w1";
    private static readonly TimeSpan Round = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 3, 0, 0, TimeSpan.Zero));
    private AlertTrack? _track;

    private string? Observe(string state, string? mutedBy = null, AlertsOptions? o = null)
    {
        _clock.Advance(Round);
        (_track, var evt) = AlertRules.Next(_track, new CheckResult(CheckKinds.Probe, "kobobe-redis_main-1", state, $"redis {state}"), mutedBy, o ?? new AlertsOptions(), _clock.GetUtcNow());
        return evt;
    }

    private List<string?> Rounds(params string[] states) => states.Select(s => Observe(s)).ToList();

    [Fact]
    public void Next_FailingHeldTwoRounds_FailingOnTheSecondOnly()
    {
        Assert.Equal(new string?[] { null, null, AlertRules.Failing, null, null }, Rounds(CheckStates.Ok, CheckStates.Failing, CheckStates.Failing, CheckStates.Failing, CheckStates.Failing));
    }

    [Fact]
    public void Next_FirstSightFailing_AlertsAfterTheGracePeriodToo() =>
        Assert.Equal(new string?[] { null, AlertRules.Failing }, Rounds(CheckStates.Failing, CheckStates.Failing));

    [Fact]
    public void Next_GraceChecksThree_FailingOnTheThirdRound()
    {
        var o = new AlertsOptions { GraceChecks = 3 };

        Assert.Equal(new string?[] { null, null, AlertRules.Failing }, new[] { Observe(CheckStates.Failing, o: o), Observe(CheckStates.Failing, o: o), Observe(CheckStates.Failing, o: o) });
    }

    [Fact]
    public void Next_FlappingShorterThanGrace_SendsNothing() =>
        Assert.All(Rounds(CheckStates.Ok, CheckStates.Failing, CheckStates.Ok, CheckStates.Failing, CheckStates.Ok, CheckStates.Warning, CheckStates.Ok), Assert.Null);

    [Fact]
    public void Next_OkAfterAlertedFailure_RecoveredOnceAndOnFirstOkRound() =>
        Assert.Equal(new string?[] { null, AlertRules.Failing, AlertRules.Recovered, null }, Rounds(CheckStates.Failing, CheckStates.Failing, CheckStates.Ok, CheckStates.Ok));

    [Fact]
    public void Next_OkAfterUnknownAfterFailure_RecoveredStill() =>
        Assert.Equal(new string?[] { null, AlertRules.Failing, null, AlertRules.Recovered }, Rounds(CheckStates.Failing, CheckStates.Failing, CheckStates.Unknown, CheckStates.Ok));

    [Fact]
    public void Next_WarningThenFailing_EachAlertedAfterItsGraceThenRecovered() =>
        Assert.Equal(new string?[] { null, AlertRules.Warning, null, AlertRules.Failing, AlertRules.Recovered },
            Rounds(CheckStates.Warning, CheckStates.Warning, CheckStates.Failing, CheckStates.Failing, CheckStates.Ok));

    [Fact]
    public void Next_StaysFailing_ReminderEverySixHoursNotBefore()
    {
        Rounds(CheckStates.Failing, CheckStates.Failing);
        var alertedAt = _clock.GetUtcNow();
        var events = new List<(TimeSpan After, string Event)>();

        // 13 h of 30-second rounds.
        for (var i = 0; i < 13 * 120; i++)
        {
            if (Observe(CheckStates.Failing) is { } evt)
            {
                events.Add((_clock.GetUtcNow() - alertedAt, evt));
            }
        }

        Assert.Equal([(TimeSpan.FromHours(6), AlertRules.Reminder), (TimeSpan.FromHours(12), AlertRules.Reminder)], events);
        Assert.Equal(alertedAt - Round, _track!.Since); // the reminder says since when: the first failing round
    }

    [Fact]
    public void Next_ReminderHoursZero_NoReminder()
    {
        var o = new AlertsOptions { ReminderHours = 0 };
        Observe(CheckStates.Failing, o: o);
        Assert.Equal(AlertRules.Failing, Observe(CheckStates.Failing, o: o));

        _clock.Advance(TimeSpan.FromDays(3));

        Assert.Null(Observe(CheckStates.Failing, o: o));
    }

    [Fact]
    public void Next_ReminderDueDuringMaintenance_Muted()
    {
        Rounds(CheckStates.Failing, CheckStates.Failing);
        _clock.Advance(TimeSpan.FromHours(7));

        Assert.Null(Observe(CheckStates.Failing, Window));
    }

    [Fact]
    public void Next_FailingWhileMuted_NothingThenFailingAfterGraceOnceMutingEnds()
    {
        Assert.Null(Observe(CheckStates.Ok));
        Assert.Null(Observe(CheckStates.Failing, Window));
        Assert.Null(Observe(CheckStates.Failing, Window));
        Assert.Null(Observe(CheckStates.Failing, Window));

        Assert.Equal(new string?[] { null, AlertRules.Failing }, Rounds(CheckStates.Failing, CheckStates.Failing));
    }

    [Fact]
    public void Next_AlertedThenRecoveredWhileMuted_RecoveredWhenMutingEnds()
    {
        Rounds(CheckStates.Failing, CheckStates.Failing);

        Assert.Null(Observe(CheckStates.Failing, Window));
        Assert.Null(Observe(CheckStates.Ok, Window));
        Assert.Equal(AlertRules.Recovered, Observe(CheckStates.Ok));
    }

    [Fact]
    public void Next_MutedOkNeverAlerted_NoRecovered()
    {
        Observe(CheckStates.Failing, Window);

        Assert.All(Rounds(CheckStates.Ok, CheckStates.Ok), Assert.Null);
    }

    [Fact]
    public void Next_SteadyState_TrackUnchanged()
    {
        Rounds(CheckStates.Ok, CheckStates.Ok);
        var before = _track;

        Observe(CheckStates.Ok);

        Assert.Equal(before, _track);
    }

    [Theory]
    [InlineData(1, 30)]
    [InlineData(2, 120)]
    [InlineData(3, 480)]
    public void RetryDelay_Attempt_FourTimesLongerEachTime(int attempt, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), AlertRules.RetryDelay(attempt, new AlertsOptions()));

    [Fact]
    public void Alert_Link_NamesTheCheck()
    {
        var alert = CheckAlerts.Alert(AlertRules.Failing, "kobo.example.org", new CheckResult(CheckKinds.Probe, "kobobe-redis_main-1", CheckStates.Failing, "x"),
            _clock.GetUtcNow(), _clock.GetUtcNow(), "https://console.example.org/");

        Assert.Equal(("kobo.example.org", CheckKinds.Probe, "kobobe-redis_main-1", CheckStates.Failing), (alert.Install, alert.Check, alert.Target, alert.State));
        Assert.Equal("https://console.example.org/?check=probe%3Akobobe-redis_main-1", alert.Url);
    }
}
