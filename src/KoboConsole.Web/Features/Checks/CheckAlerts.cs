using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.Web.Features.Backups;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Checks;

/// <summary>The webhook body of one alert; it carries the check's words only (messages never hold secrets).</summary>
public sealed record CheckAlert(string Event, string? Install, string Check, string Target, string State, string Message, DateTimeOffset Since, DateTimeOffset At, string? Url);

/// <summary>
/// Posts state changes to <c>KoboConsole:Checks:WebhookUrl</c> (unset: the backups' webhook URL),
/// as the backup webhook does: one JSON POST, ten seconds at most, a failing hook only logged.
/// Muted changes and a first sight of a healthy check send nothing.
/// </summary>
public sealed class CheckAlerts(IHttpClientFactory http, IOptionsMonitor<ChecksOptions> options, IOptionsMonitor<BackupsOptions> backups, ILogger<CheckAlerts> logger)
{
    public const string ClientName = "checks-webhook";

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
        var url = options.CurrentValue.WebhookUrl is { Length: > 0 } own ? own : backups.CurrentValue.WebhookUrl;
        if (url is not { Length: > 0 })
        {
            return;
        }

        foreach (var alert in changes.Select(c => For(c, install, options.CurrentValue.PublicUrl)).OfType<CheckAlert>())
        {
            try
            {
                using var client = http.CreateClient(ClientName);
                client.Timeout = TimeSpan.FromSeconds(10);
                using var response = await client.PostAsJsonAsync(new Uri(url), alert, JsonSerializerOptions.Web, cancellationToken);
                Log.AlertSent(logger, alert.Event, alert.Check, alert.Target, (int)response.StatusCode);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                Log.AlertFailed(logger, alert.Event, alert.Check, alert.Target, ex.Message);
            }
        }
    }
}
