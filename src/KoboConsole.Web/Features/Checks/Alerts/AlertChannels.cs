using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Infrastructure.Mail;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Checks.Alerts;

/// <summary>A channel and where it comes from: <see cref="ConfigKey"/> names its configuration (read-only in the console); null: stored in the console's database.</summary>
public sealed record ChannelEntry(AlertChannelOptions Channel, string? ConfigKey)
{
    public bool ReadOnly => ConfigKey is not null;
}

/// <summary>
/// Delivers alerts on the configured channels (<c>KoboConsole:Alerts:Channels</c>), on the older
/// single webhook (<c>KoboConsole:Checks:WebhookUrl</c>, else the backups' one) as channel
/// <see cref="LegacyWebhook"/>, and on the channels stored in the console's database. Each attempt
/// goes to the delivery log; a failure is logged, recorded and retried later, never thrown: one
/// broken channel does not stop the others.
/// </summary>
public sealed class AlertChannels(
    IHttpClientFactory http, SmtpMailer mailer, AlertDeliveries deliveries, StoredChannels stored, IOptionsMonitor<AlertsOptions> alerts, IOptionsMonitor<ChecksOptions> checks,
    IOptionsMonitor<BackupsOptions> backups, TimeProvider time, ILogger<AlertChannels> logger)
{
    public const string ClientName = "checks-webhook";
    public const string LegacyWebhook = "webhook";

    /// <summary>The channels from configuration, in order.</summary>
    public IReadOnlyList<ChannelEntry> Configured()
    {
        var list = alerts.CurrentValue.Channels.Select((c, i) => new ChannelEntry(c, $"{AlertsOptions.Section}:Channels:{i}")).ToList();
        var (key, url) = checks.CurrentValue.WebhookUrl is { Length: > 0 } own ? ($"{ChecksOptions.Section}:WebhookUrl", own) : ("KoboConsole:Backups:WebhookUrl", backups.CurrentValue.WebhookUrl);
        if (url is { Length: > 0 } && !list.Any(c => c.Channel.Url == url || string.Equals(c.Channel.Name, LegacyWebhook, StringComparison.OrdinalIgnoreCase)))
        {
            list.Add(new ChannelEntry(new AlertChannelOptions { Kind = ChannelKinds.Webhook, Name = LegacyWebhook, Url = url }, key));
        }

        return list;
    }

    /// <summary>Every channel alerts go to, configured ones first. With the console's database away, the configured ones only.</summary>
    public async Task<IReadOnlyList<ChannelEntry>> ListAsync(CancellationToken cancellationToken)
    {
        var list = Configured().ToList();
        try
        {
            list.AddRange((await stored.ListAsync(cancellationToken))
                .Where(s => !list.Any(c => string.Equals(c.Channel.Name, s.Name, StringComparison.OrdinalIgnoreCase)))
                .Select(s => new ChannelEntry(s, null)));
        }
        catch (System.Data.Common.DbException ex)
        {
            Log.StoredChannelsUnreadable(logger, ex.Message);
        }

        return list;
    }

    public async Task<ChannelEntry?> FindAsync(string name, CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken)).FirstOrDefault(c => string.Equals(c.Channel.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Sends <paramref name="alert"/> on every channel; a failed delivery is retried later (<see cref="RetryDueAsync"/>).</summary>
    public async Task SendAsync(CheckAlert alert, CancellationToken cancellationToken)
    {
        foreach (var channel in await ListAsync(cancellationToken))
        {
            await DeliverAsync(channel.Channel, alert, attempt: 1, retry: true, cancellationToken);
        }
    }

    /// <summary>Sends once on one channel (the test button: no retry) and records the outcome; returns it (the reason when it failed).</summary>
    public Task<AlertDelivery> SendAsync(AlertChannelOptions channel, CheckAlert alert, CancellationToken cancellationToken) =>
        DeliverAsync(channel, alert, attempt: 1, retry: false, cancellationToken);

    /// <summary>
    /// Sends again the failed deliveries whose retry is due. Each retry is a new row of the delivery
    /// log with its attempt number; a channel removed meanwhile ends the retries with that reason.
    /// </summary>
    public async Task RetryDueAsync(CancellationToken cancellationToken)
    {
        foreach (var due in await deliveries.TakeDueAsync(time.GetUtcNow(), cancellationToken))
        {
            var alert = JsonSerializer.Deserialize<CheckAlert>(due.Payload, JsonSerializerOptions.Web)!;
            if (await FindAsync(due.Channel, cancellationToken) is { } channel)
            {
                await DeliverAsync(channel.Channel, alert, due.Attempt + 1, retry: true, cancellationToken);
                continue;
            }

            await RecordAsync(new AlertDelivery(0, time.GetUtcNow(), due.Channel, "", alert.Event, alert.Check, alert.Target, DeliveryOutcomes.Failed,
                "the channel no longer exists: not retried.", due.Attempt + 1), null, cancellationToken);
        }
    }

    private async Task<AlertDelivery> DeliverAsync(AlertChannelOptions channel, CheckAlert alert, int attempt, bool retry, CancellationToken cancellationToken)
    {
        string? reason = AlertsOptionsValidator.Problems(channel).Select(p => $"the channel cannot be used: {p.Field} {p.Message} Edit it on the settings page.").FirstOrDefault();
        try
        {
            await (reason is not null ? Task.CompletedTask : channel.Kind == ChannelKinds.Email ? MailAsync(channel, alert, cancellationToken) : PostAsync(channel, alert, cancellationToken));
            if (reason is null)
            {
                Log.AlertSent(logger, alert.Event, alert.Check, alert.Target, channel.Name);
            }
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
        var o = alerts.CurrentValue;
        DateTimeOffset? retryAt = reason is not null && retry && attempt < o.DeliveryAttempts ? at + AlertRules.RetryDelay(attempt, o) : null;
        var delivery = new AlertDelivery(0, at, channel.Name, channel.Kind, alert.Event, alert.Check, alert.Target,
            reason is null ? DeliveryOutcomes.Sent : DeliveryOutcomes.Failed, reason, attempt, retryAt);
        return await RecordAsync(delivery, JsonSerializer.Serialize(alert, JsonSerializerOptions.Web), cancellationToken);
    }

    private async Task<AlertDelivery> RecordAsync(AlertDelivery delivery, string? payload, CancellationToken cancellationToken)
    {
        try
        {
            return delivery with { Seq = await deliveries.AddAsync(delivery, payload, cancellationToken) };
        }
        catch (System.Data.Common.DbException ex)
        {
            // The console's database is away (the database check says so): the log line above is the record, and no retry is kept.
            Log.DeliveryNotRecorded(logger, delivery.Channel, ex.Message);
            return delivery with { RetryAt = null };
        }
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
