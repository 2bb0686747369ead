using Dapper;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Checks.Alerts;

/// <summary>The alert rules' memory per check (<c>alert_tracks</c>): survives a restart and a change of the checking instance.</summary>
public sealed class AlertTracks(ConsoleDb db)
{
    private const string Columns = "id AS Id, state AS State, muted_by AS MutedBy, since AS Since, streak AS Streak, alerted_state AS AlertedState, alerted_at AS AlertedAt";

    public async Task<IReadOnlyDictionary<string, AlertTrack>> ListAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.QueryAsync<Row>(new CommandDefinition($"SELECT {Columns} FROM alert_tracks", cancellationToken: cancellationToken));
        return rows.Select(r => r.ToTrack()).ToDictionary(t => t.Id, StringComparer.Ordinal);
    }

    public async Task SaveAsync(IReadOnlyCollection<AlertTrack> tracks, CancellationToken cancellationToken)
    {
        if (tracks.Count == 0)
        {
            return;
        }

        await using var c = await db.OpenAsync(cancellationToken);
        await using var tx = await c.BeginTransactionAsync(cancellationToken);
        foreach (var t in tracks)
        {
            await c.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO alert_tracks (id, state, muted_by, since, streak, alerted_state, alerted_at) VALUES (@Id, @State, @MutedBy, @since, @Streak, @AlertedState, @alertedAt)
                ON CONFLICT (id) DO UPDATE SET state = excluded.state, muted_by = excluded.muted_by, since = excluded.since, streak = excluded.streak,
                    alerted_state = excluded.alerted_state, alerted_at = excluded.alerted_at
                """,
                new { t.Id, t.State, t.MutedBy, since = t.Since.ToUnixTimeMilliseconds(), t.Streak, t.AlertedState, alertedAt = t.AlertedAt?.ToUnixTimeMilliseconds() },
                tx, cancellationToken: cancellationToken));
        }

        await tx.CommitAsync(cancellationToken);
    }

    /// <summary>Forgets the tracks of checks that no longer exist (their container or schedule is gone).</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return await c.ExecuteAsync(new CommandDefinition("DELETE FROM alert_tracks WHERE id NOT IN (SELECT id FROM check_status)", cancellationToken: cancellationToken));
    }

    private sealed class Row
    {
        public string Id { get; set; } = "";
        public string State { get; set; } = "";
        public string? MutedBy { get; set; }
        public long Since { get; set; }
        public int Streak { get; set; }
        public string? AlertedState { get; set; }
        public long? AlertedAt { get; set; }

        public AlertTrack ToTrack() => new(Id, State, MutedBy, ConsoleDb.FromUnixMs(Since), Streak, AlertedState, AlertedAt is { } a ? ConsoleDb.FromUnixMs(a) : null);
    }
}
