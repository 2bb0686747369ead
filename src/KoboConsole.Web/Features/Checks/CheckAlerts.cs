using KoboConsole.Web.Features.Checks.Alerts;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Checks;

/// <summary>The webhook body of one alert; it carries the check's words only (messages never hold secrets).</summary>
public sealed record CheckAlert(string Event, string? Install, string Check, string Target, string State, string Message, DateTimeOffset Since, DateTimeOffset At, string? Url);

/// <summary>
/// Turns rounds of checks into alerts by <see cref="AlertRules"/> (grace period, recovery, reminders,
/// muting) and hands them to <see cref="AlertChannels"/> (e-mail, webhook, Slack); then sends the
/// failed deliveries whose retry is due.
/// </summary>
public sealed class CheckAlerts(AlertChannels channels, AlertTracks tracks, IOptionsMonitor<ChecksOptions> options, IOptionsMonitor<AlertsOptions> alerts)
{
    public int GraceChecks => alerts.CurrentValue.GraceChecks;

    /// <summary>Applies one round of results (with their muting) to the rules and sends what they call for.</summary>
    public async Task EvaluateAsync(IReadOnlyList<(CheckResult Result, string? MutedBy)> round, string? install, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var known = await tracks.ListAsync(cancellationToken);
        var o = alerts.CurrentValue;
        var changed = new List<AlertTrack>();
        var due = new List<CheckAlert>();
        foreach (var (result, mutedBy) in round.DistinctBy(x => x.Result.Id))
        {
            var old = known.GetValueOrDefault(result.Id);
            var (next, evt) = AlertRules.Next(old, result, mutedBy, o, now);
            if (next != old)
            {
                changed.Add(next);
            }

            if (evt is not null)
            {
                due.Add(Alert(evt, install, result, evt == AlertRules.Recovered ? now : next.Since, now, options.CurrentValue.PublicUrl));
            }
        }

        // Stored first: an alert is sent once even if a channel is slow and the round is cut short.
        await tracks.SaveAsync(changed, cancellationToken);
        foreach (var alert in due)
        {
            await channels.SendAsync(alert, cancellationToken);
        }

        await channels.RetryDueAsync(cancellationToken);
    }

    /// <summary>
    /// Sends an alert decided outside the stored rounds (the console's database away: nothing can be
    /// read or stored), and records it as sent once the database is back (<see cref="MarkAlertedAsync"/>).
    /// </summary>
    public Task SendNowAsync(string evt, CheckResult result, string? install, DateTimeOffset since, DateTimeOffset now, CancellationToken cancellationToken) =>
        channels.SendAsync(Alert(evt, install, result, since, now, options.CurrentValue.PublicUrl), cancellationToken);

    /// <summary>Stores that <paramref name="state"/> of <paramref name="result"/>'s check was alerted (so its recovery will be).</summary>
    public Task MarkAlertedAsync(CheckResult result, DateTimeOffset since, DateTimeOffset alertedAt, CancellationToken cancellationToken) =>
        tracks.SaveAsync([new AlertTrack(result.Id, result.State, null, since, alerts.CurrentValue.GraceChecks, result.State, alertedAt)], cancellationToken);

    public static CheckAlert Alert(string evt, string? install, CheckResult r, DateTimeOffset since, DateTimeOffset at, string? consoleUrl)
    {
        var url = consoleUrl is null ? null : $"{consoleUrl.TrimEnd('/')}/?check={Uri.EscapeDataString(r.Id)}";
        return new CheckAlert(evt, install, r.Check, r.Target, r.State, r.Message, since, at, url);
    }
}
