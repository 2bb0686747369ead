using Dapper;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Checks.Alerts;

/// <summary>
/// One attempt to deliver an alert on a channel: sent, or failed with the reason. <see cref="Attempt"/> above 1 is
/// a retry; <see cref="RetryAt"/> is when the next attempt is (or was) due: null when it was sent, was the test button's, or had no attempt left.
/// </summary>
public sealed record AlertDelivery(long Seq, DateTimeOffset At, string Channel, string Kind, string Event, string Check, string Target, string Outcome, string? Reason,
    int Attempt = 1, DateTimeOffset? RetryAt = null);

public static class DeliveryOutcomes
{
    public const string Sent = "sent";
    public const string Failed = "failed";
}

/// <summary>A failed delivery whose retry is due: the alert it carried (its words only: no secret) and the attempt it was.</summary>
public sealed record DueRetry(long Seq, string Channel, int Attempt, string Payload);

/// <summary>The delivery log in the console's database (<c>alert_deliveries</c>), pruned with the check history.</summary>
public sealed class AlertDeliveries(ConsoleDb db)
{
    public async Task<long> AddAsync(AlertDelivery d, string? payload, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO alert_deliveries (at, channel, kind, event, check_name, target, outcome, reason, attempt, retry_at, payload)
            VALUES (@at, @Channel, @Kind, @Event, @Check, @Target, @Outcome, @Reason, @Attempt, @retryAt, @payload) RETURNING seq
            """,
            new { at = d.At.ToUnixTimeMilliseconds(), d.Channel, d.Kind, d.Event, d.Check, d.Target, d.Outcome, d.Reason, d.Attempt, retryAt = d.RetryAt?.ToUnixTimeMilliseconds(), payload = d.RetryAt is null ? null : payload },
            cancellationToken: cancellationToken));
    }

    /// <summary>Newest first; <paramref name="channel"/> null: every channel.</summary>
    public async Task<IReadOnlyList<AlertDelivery>> ListAsync(string? channel, int limit, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.QueryAsync<Row>(new CommandDefinition(
            $"""
            SELECT seq AS Seq, at AS At, channel AS Channel, kind AS Kind, event AS Event, check_name AS CheckName, target AS Target, outcome AS Outcome, reason AS Reason,
                attempt AS Attempt, retry_at AS RetryAt
            FROM alert_deliveries {(channel is null ? "" : "WHERE channel = @channel")} ORDER BY seq DESC LIMIT @limit
            """, new { channel, limit }, cancellationToken: cancellationToken));
        return rows.Select(r => new AlertDelivery(r.Seq, ConsoleDb.FromUnixMs(r.At), r.Channel, r.Kind, r.Event, r.CheckName, r.Target, r.Outcome, r.Reason,
            (int)r.Attempt, r.RetryAt is { } at ? ConsoleDb.FromUnixMs(at) : null)).ToList();
    }

    /// <summary>
    /// Takes the failed deliveries whose retry is due at <paramref name="now"/>: each is handed out once
    /// (marked <c>retried</c> in the same statement), so a retry is never sent twice.
    /// </summary>
    public async Task<IReadOnlyList<DueRetry>> TakeDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.QueryAsync<DueRow>(new CommandDefinition(
            "UPDATE alert_deliveries SET retried = 1 WHERE retry_at IS NOT NULL AND retried = 0 AND retry_at <= @now RETURNING seq AS Seq, channel AS Channel, attempt AS Attempt, payload AS Payload",
            new { now = now.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return rows.OrderBy(r => r.Seq).Select(r => new DueRetry(r.Seq, r.Channel, (int)r.Attempt, r.Payload ?? "{}")).ToList();
    }

    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return await c.ExecuteAsync(new CommandDefinition("DELETE FROM alert_deliveries WHERE at < @before", new { before = before.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    private sealed class DueRow
    {
        public long Seq { get; set; }
        public string Channel { get; set; } = "";
        public long Attempt { get; set; }
        public string? Payload { get; set; }
    }

    private sealed class Row
    {
        public long Seq { get; set; }
        public long At { get; set; }
        public string Channel { get; set; } = "";
        public string Kind { get; set; } = "";
        public string Event { get; set; } = "";
        public string CheckName { get; set; } = "";
        public string Target { get; set; } = "";
        public string Outcome { get; set; } = "";
        public string? Reason { get; set; }
        public long Attempt { get; set; }
        public long? RetryAt { get; set; }
    }
}

internal sealed class AlertsMigrations : IMigrationSource
{
    private const string Columns = "at BIGINT NOT NULL, channel TEXT NOT NULL, kind TEXT NOT NULL, event TEXT NOT NULL, check_name TEXT NOT NULL, target TEXT NOT NULL, outcome TEXT NOT NULL, reason TEXT NULL";

    private const string Tracks = "CREATE TABLE alert_tracks (id TEXT PRIMARY KEY, state TEXT NOT NULL, muted_by TEXT NULL, since BIGINT NOT NULL, streak INTEGER NOT NULL, alerted_state TEXT NULL, alerted_at BIGINT NULL);";

    public IEnumerable<MigrationStep> Steps =>
    [
        new("2026-12-07.45-alert-deliveries",
            $"CREATE TABLE alert_deliveries (seq INTEGER PRIMARY KEY AUTOINCREMENT, {Columns}); CREATE INDEX ix_alert_deliveries_at ON alert_deliveries(at);",
            $"CREATE TABLE alert_deliveries (seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, {Columns}); CREATE INDEX ix_alert_deliveries_at ON alert_deliveries(at);"),
        new("2026-12-07.60-alert-rules",
            $"""
            ALTER TABLE alert_deliveries ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1;
            ALTER TABLE alert_deliveries ADD COLUMN retry_at BIGINT NULL;
            ALTER TABLE alert_deliveries ADD COLUMN payload TEXT NULL;
            ALTER TABLE alert_deliveries ADD COLUMN retried INTEGER NOT NULL DEFAULT 0;
            CREATE INDEX ix_alert_deliveries_retry ON alert_deliveries(retry_at);
            {Tracks}
            CREATE TABLE alert_channels (
                name TEXT PRIMARY KEY, kind TEXT NOT NULL, url TEXT NULL, to_addrs TEXT NULL, from_addr TEXT NULL, smtp_host TEXT NULL, smtp_port INTEGER NOT NULL,
                smtp_user TEXT NULL, smtp_password TEXT NULL, start_tls INTEGER NOT NULL, smtp_certificate_sha256 TEXT NULL, updated_at BIGINT NOT NULL, updated_by TEXT NOT NULL);
            """),
    ];
}
