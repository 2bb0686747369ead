using KoboConsole.Web.Features.Checks.Alerts;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Checks;

/// <summary>The webhook body of one alert; it carries the check's words only (messages never hold secrets).</summary>
public sealed record CheckAlert(string Event, string? Install, string Check, string Target, string State, string Message, DateTimeOffset Since, DateTimeOffset At, string? Url);

/// <summary>
/// Turns state changes into alerts and hands them to <see cref="AlertChannels"/> (e-mail, webhook,
/// Slack): muted changes and a first sight of a healthy check send nothing.
/// </summary>
public sealed class CheckAlerts(AlertChannels channels, IOptionsMonitor<ChecksOptions> options)
{
    /// <summary>The alert a change deserves, or null: failing and warning when entered, recovered when a failing or warning check is ok again.</summary>
    public static CheckAlert? For(AppliedChange applied, string? install, string? consoleUrl)
    {
        var c = applied.Change;
        if (c.MutedBy is not null)
        {
            return null;
        }

        var wasBad = applied.PreviousState is CheckStates.Failing or CheckStates.Warning && applied.PreviousMutedBy is null;
        var evt = c.State switch
        {
            CheckStates.Failing when applied.PreviousState != CheckStates.Failing || applied.PreviousMutedBy is not null => "check.failing",
            CheckStates.Warning when applied.PreviousState != CheckStates.Warning || applied.PreviousMutedBy is not null => "check.warning",
            CheckStates.Ok when wasBad => "check.recovered",
            _ => null,
        };
        var url = consoleUrl is null ? null : $"{consoleUrl.TrimEnd('/')}/?check={Uri.EscapeDataString($"{c.Check}:{c.Target}")}";
        return evt is null ? null : new CheckAlert(evt, install, c.Check, c.Target, c.State, c.Message, c.At, c.At, url);
    }

    public async Task SendAsync(IReadOnlyList<AppliedChange> changes, string? install, CancellationToken cancellationToken)
    {
        foreach (var alert in changes.Select(c => For(c, install, options.CurrentValue.PublicUrl)).OfType<CheckAlert>())
        {
            await channels.SendAsync(alert, cancellationToken);
        }
    }
}
