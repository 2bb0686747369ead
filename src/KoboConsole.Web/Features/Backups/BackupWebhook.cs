using System.Net.Http.Json;
using KoboConsole.Web.Features.Runs;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Backups;

/// <summary>POSTs a finished run as JSON to <c>KoboConsole:Backups:WebhookUrl</c> (success and failure alike); a failing hook never fails the backup.</summary>
public sealed class BackupWebhook(IHttpClientFactory http, IOptionsMonitor<BackupsOptions> options, RunStore runs)
{
    public const string ClientName = "backups-webhook";

    public async Task NotifyAsync(string runId, CancellationToken cancellationToken)
    {
        if (options.CurrentValue.WebhookUrl is not { Length: > 0 } url || await runs.GetAsync(runId, cancellationToken) is not { } run)
        {
            return;
        }

        var body = new
        {
            Event = $"backup.{run.State}",
            Run = RunResponse.From(run) with { Log = [] },
        };
        try
        {
            using var client = http.CreateClient(ClientName);
            client.Timeout = TimeSpan.FromSeconds(10);
            using var response = await client.PostAsJsonAsync(new Uri(url), body, BackupManifest.Json, cancellationToken);
            await runs.LogAsync(runId, $"Webhook answered {(int)response.StatusCode}.", cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await runs.LogAsync(runId, $"Webhook failed: {ex.Message}", cancellationToken);
        }
    }
}
