using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Infrastructure.Mail;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Checks.Alerts;

/// <summary>
/// Delivers alerts on the configured channels (<c>KoboConsole:Alerts:Channels</c>) and on the
/// older single webhook (<c>KoboConsole:Checks:WebhookUrl</c>, else the backups' one) as channel
/// <see cref="LegacyWebhook"/>. Each attempt goes to the delivery log; a failure is logged and
/// recorded, never thrown: one broken channel does not stop the others.
/// </summary>
public sealed class AlertChannels(
    IHttpClientFactory http, SmtpMailer mailer, AlertDeliveries deliveries, IOptionsMonitor<AlertsOptions> alerts, IOptionsMonitor<ChecksOptions> checks,
    IOptionsMonitor<BackupsOptions> backups, TimeProvider time, ILogger<AlertChannels> logger)
{
    public const string ClientName = "checks-webhook";
    public const string LegacyWebhook = "webhook";

    /// <summary>Every channel alerts go to, configured ones first.</summary>
    public IReadOnlyList<AlertChannelOptions> List()
    {
        var list = alerts.CurrentValue.Channels.ToList();
        var url = checks.CurrentValue.WebhookUrl is { Length: > 0 } own ? own : backups.CurrentValue.WebhookUrl;
        if (url is { Length: > 0 } && !list.Any(c => c.Url == url || string.Equals(c.Name, LegacyWebhook, StringComparison.OrdinalIgnoreCase)))
        {
            list.Add(new AlertChannelOptions { Kind = ChannelKinds.Webhook, Name = LegacyWebhook, Url = url });
        }

        return list;
    }

    public AlertChannelOptions? Find(string name) => List().FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Sends <paramref name="alert"/> on every channel.</summary>
    public async Task SendAsync(CheckAlert alert, CancellationToken cancellationToken)
    {
        foreach (var channel in List())
        {
            await SendAsync(channel, alert, cancellationToken);
        }
    }

    /// <summary>Sends on one channel and records the outcome; returns it (the reason when it failed).</summary>
    public async Task<AlertDelivery> SendAsync(AlertChannelOptions channel, CheckAlert alert, CancellationToken cancellationToken)
    {
        string? reason = null;
        try
        {
            await (channel.Kind == ChannelKinds.Email ? MailAsync(channel, alert, cancellationToken) : PostAsync(channel, alert, cancellationToken));
            Log.AlertSent(logger, alert.Event, alert.Check, alert.Target, channel.Name);
        }
        catch (Exception ex) when (ex is MailException or HttpRequestException or IOException or UnauthorizedAccessException
            || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            reason = ex switch
            {
                TaskCanceledException => "no answer within 10 seconds.",
                HttpRequestException { StatusCode: { } status } => $"the hook answered {(int)status} {status}.",
                HttpRequestException h => $"the hook cannot be reached: {h.Message}",
                IOException or UnauthorizedAccessException => $"the SMTP password file cannot be read: {ex.Message}",
                _ => ex.Message,
            };
            Log.AlertFailed(logger, alert.Event, alert.Check, alert.Target, channel.Name, reason);
        }

        var at = time.GetUtcNow();
        var outcome = reason is null ? DeliveryOutcomes.Sent : DeliveryOutcomes.Failed;
        long seq = 0;
        try
        {
            seq = await deliveries.AddAsync(at, channel.Name, channel.Kind, alert.Event, alert.Check, alert.Target, outcome, reason, cancellationToken);
        }
        catch (System.Data.Common.DbException ex)
        {
            // The console's database is away (the database check says so): the log line above is the record.
            Log.DeliveryNotRecorded(logger, channel.Name, ex.Message);
        }

        return new AlertDelivery(seq, at, channel.Name, channel.Kind, alert.Event, alert.Check, alert.Target, outcome, reason);
    }

    private async Task PostAsync(AlertChannelOptions channel, CheckAlert alert, CancellationToken cancellationToken)
    {
        using var client = http.CreateClient(ClientName);
        client.Timeout = TimeSpan.FromSeconds(10);
        using var response = channel.Kind == ChannelKinds.Slack
            ? await client.PostAsJsonAsync(new Uri(channel.Url!), new { text = AlertText.Slack(alert) }, JsonSerializerOptions.Web, cancellationToken)
            : await client.PostAsJsonAsync(new Uri(channel.Url!), alert, JsonSerializerOptions.Web, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    private async Task MailAsync(AlertChannelOptions channel, CheckAlert alert, CancellationToken cancellationToken)
    {
        var password = channel.SmtpPasswordFile is { Length: > 0 } file
            ? (await File.ReadAllTextAsync(file, cancellationToken)).TrimEnd('\r', '\n')
            : channel.SmtpPassword;
        var spec = new MailSpec(channel.SmtpHost!, channel.SmtpPort, channel.StartTls, channel.SmtpUser, password, channel.SmtpCertificateSha256,
            channel.From!, channel.Recipients, AlertText.Subject(alert), AlertText.Body(alert));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await mailer.SendAsync(spec, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MailException($"{channel.SmtpHost}:{channel.SmtpPort} did not take the mail within 30 seconds.");
        }
    }
}
