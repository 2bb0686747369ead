namespace KoboConsole.Web.Features.Checks.Alerts;

/// <summary>
/// What the alerts remember of one check between rounds: its state (and muting) and for how many
/// rounds in a row it has been seen so, and which alert went out last (null: none, or the
/// recovery was sent).
/// </summary>
public sealed record AlertTrack(string Id, string State, string? MutedBy, DateTimeOffset Since, int Streak, string? AlertedState, DateTimeOffset? AlertedAt);

/// <summary>The rules that turn rounds of a check into alerts; pure, so a fake clock tests them.</summary>
public static class AlertRules
{
    public const string Failing = "check.failing";
    public const string Warning = "check.warning";
    public const string Recovered = "check.recovered";
    public const string Reminder = "check.reminder";

    /// <summary>
    /// The track after one more round of <paramref name="result"/>, and the event it deserves (or null):
    /// failing and warning once held for <c>GraceChecks</c> rounds in a row, recovered on the first ok
    /// round after one of those was sent, a reminder every <c>ReminderHours</c> while it stays failing.
    /// Muted rounds send nothing; when muting ends the grace period starts again.
    /// </summary>
    public static (AlertTrack Next, string? Event) Next(AlertTrack? track, CheckResult result, string? mutedBy, AlertsOptions o, DateTimeOffset now)
    {
        var same = track is not null && track.State == result.State && track.MutedBy == mutedBy;
        var since = track is not null && track.State == result.State ? track.Since : now;
        // Capped at the grace period: a steady check leaves its track unchanged (nothing to write).
        var streak = same ? Math.Min(track!.Streak + 1, o.GraceChecks) : 1;
        var next = new AlertTrack(result.Id, result.State, mutedBy, since, streak, track?.AlertedState, track?.AlertedAt);
        if (mutedBy is not null)
        {
            return (next, null);
        }

        switch (result.State)
        {
            case CheckStates.Failing or CheckStates.Warning when streak >= o.GraceChecks && next.AlertedState != result.State:
                return (next with { AlertedState = result.State, AlertedAt = now }, result.State == CheckStates.Failing ? Failing : Warning);
            case CheckStates.Failing when next.AlertedState == CheckStates.Failing && o.ReminderHours > 0 && now - next.AlertedAt >= TimeSpan.FromHours(o.ReminderHours):
                return (next with { AlertedAt = now }, Reminder);
            case CheckStates.Ok when next.AlertedState is not null:
                return (next with { AlertedState = null, AlertedAt = null }, Recovered);
            default:
                return (next, null);
        }
    }

    /// <summary>The wait before retry <paramref name="attempt"/> + 1 of a failed delivery: RetryDelaySeconds, then four times longer each time.</summary>
    public static TimeSpan RetryDelay(int attempt, AlertsOptions o) => TimeSpan.FromSeconds(o.RetryDelaySeconds * Math.Pow(4, Math.Max(0, attempt - 1)));
}
