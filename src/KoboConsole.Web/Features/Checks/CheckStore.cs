using Dapper;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Checks;

/// <summary>A stored state change with the state the check left (null: a check seen for the first time).</summary>
public sealed record AppliedChange(CheckChange Change, string? PreviousState, string? PreviousMutedBy, DateTimeOffset? PreviousSince);

/// <summary>
/// The checks' current states and their history in the console's database: one row per check
/// (check_status), one row per state change (check_changes). A change is a new state or a change
/// of muting; the same state again only moves checked_at.
/// </summary>
public sealed class CheckStore(ConsoleDb db)
{
    private const string StatusColumns = "check_name AS CheckName, target AS Target, state AS State, message AS Message, since AS Since, checked_at AS CheckedAt, muted_by AS MutedBy";
    private const string ChangeColumns = "seq AS Seq, check_name AS CheckName, target AS Target, state AS State, message AS Message, at AS At, muted_by AS MutedBy";

    /// <summary>
    /// Records one round of <paramref name="kinds"/>: each result's state, and the removal of checks
    /// of those kinds the round did not produce (their container or schedule is gone) when <paramref name="removeVanished"/>.
    /// </summary>
    public async Task<IReadOnlyList<AppliedChange>> ApplyAsync(IReadOnlyCollection<string> kinds, IReadOnlyList<(CheckResult Result, string? MutedBy)> round, bool removeVanished, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var at = now.ToUnixTimeMilliseconds();
        await using var c = await db.OpenAsync(cancellationToken);
        await using var tx = await c.BeginTransactionAsync(cancellationToken);
        // One parameter per kind, not Dapper's "IN @kinds": with Npgsql Dapper sends a list as one array parameter, and "IN $1" is a syntax error in PostgreSQL.
        var inArgs = new DynamicParameters();
        var inList = string.Join(", ", kinds.Select((k, i) =>
        {
            inArgs.Add($"k{i}", k);
            return $"@k{i}";
        }));
        var current = (await c.QueryAsync<StatusRow>(new CommandDefinition($"SELECT {StatusColumns} FROM check_status WHERE check_name IN ({inList})", inArgs, tx, cancellationToken: cancellationToken)))
            .ToDictionary(r => $"{r.CheckName}:{r.Target}", StringComparer.Ordinal);
        var changes = new List<AppliedChange>();
        foreach (var (r, mutedBy) in round.DistinctBy(x => x.Result.Id))
        {
            var old = current.GetValueOrDefault(r.Id);
            current.Remove(r.Id);
            var args = new { id = r.Id, check = r.Check, target = r.Target, state = r.State, message = r.Message, at, mutedBy };
            if (old is not null && old.State == r.State && old.MutedBy == mutedBy)
            {
                await c.ExecuteAsync(new CommandDefinition("UPDATE check_status SET message = @message, checked_at = @at WHERE id = @id", args, tx, cancellationToken: cancellationToken));
                continue;
            }

            await c.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO check_status (id, check_name, target, state, message, since, checked_at, muted_by) VALUES (@id, @check, @target, @state, @message, @at, @at, @mutedBy)
                ON CONFLICT (id) DO UPDATE SET state = excluded.state, message = excluded.message, since = excluded.since, checked_at = excluded.checked_at, muted_by = excluded.muted_by
                """, args, tx, cancellationToken: cancellationToken));
            var seq = await c.ExecuteScalarAsync<long>(new CommandDefinition(
                "INSERT INTO check_changes (check_id, check_name, target, state, message, at, muted_by) VALUES (@id, @check, @target, @state, @message, @at, @mutedBy) RETURNING seq",
                args, tx, cancellationToken: cancellationToken));
            changes.Add(new AppliedChange(new CheckChange(seq, r.Check, r.Target, r.State, r.Message, now, mutedBy), old?.State, old?.MutedBy, old is null ? null : ConsoleDb.FromUnixMs(old.Since)));
        }

        foreach (var gone in removeVanished ? current.Keys.ToList() : [])
        {
            await c.ExecuteAsync(new CommandDefinition("DELETE FROM check_status WHERE id = @gone", new { gone }, tx, cancellationToken: cancellationToken));
        }

        await tx.CommitAsync(cancellationToken);
        return changes;
    }

    public async Task<IReadOnlyList<CheckStatus>> ListAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.QueryAsync<StatusRow>(new CommandDefinition($"SELECT {StatusColumns} FROM check_status ORDER BY check_name, target", cancellationToken: cancellationToken));
        return rows.Select(r => new CheckStatus(r.CheckName, r.Target, r.State, r.Message, ConsoleDb.FromUnixMs(r.Since), ConsoleDb.FromUnixMs(r.CheckedAt), r.MutedBy)).ToList();
    }

    /// <summary>
    /// The changes between <paramref name="from"/> and <paramref name="to"/>, oldest first, each
    /// check's last change before <paramref name="from"/> included (the state the period began in).
    /// </summary>
    public async Task<IReadOnlyList<CheckChange>> HistoryAsync(string? check, string? target, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var args = new { check, target, from = from.ToUnixTimeMilliseconds(), to = to.ToUnixTimeMilliseconds() };
        // Built, not "@check IS NULL OR ...": PostgreSQL cannot type a null parameter on its own.
        var filter = (check is null ? "1 = 1" : "check_name = @check") + (target is null ? "" : " AND target = @target");
        var rows = await c.QueryAsync<ChangeRow>(new CommandDefinition(
            $"""
            SELECT {ChangeColumns} FROM check_changes WHERE {filter} AND at >= @from AND at <= @to
            UNION ALL
            SELECT {ChangeColumns} FROM check_changes WHERE seq IN (SELECT MAX(seq) FROM check_changes WHERE {filter} AND at < @from GROUP BY check_id)
            ORDER BY Seq
            """, args, cancellationToken: cancellationToken));
        return rows.Select(r => new CheckChange(r.Seq, r.CheckName, r.Target, r.State, r.Message, ConsoleDb.FromUnixMs(r.At), r.MutedBy)).ToList();
    }

    /// <summary>Deletes changes older than <paramref name="before"/>, except each check's newest (the state it is in).</summary>
    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return await c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM check_changes WHERE at < @before AND seq NOT IN (SELECT MAX(seq) FROM check_changes GROUP BY check_id)",
            new { before = before.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    private sealed class StatusRow
    {
        public string CheckName { get; set; } = "";
        public string Target { get; set; } = "";
        public string State { get; set; } = "";
        public string Message { get; set; } = "";
        public long Since { get; set; }
        public long CheckedAt { get; set; }
        public string? MutedBy { get; set; }
    }

    private sealed class ChangeRow
    {
        public long Seq { get; set; }
        public string CheckName { get; set; } = "";
        public string Target { get; set; } = "";
        public string State { get; set; } = "";
        public string Message { get; set; } = "";
        public long At { get; set; }
        public string? MutedBy { get; set; }
    }
}

internal sealed class ChecksMigrations : IMigrationSource
{
    public IEnumerable<MigrationStep> Steps =>
    [
        new("2026-12-07.22-checks",
            """
            CREATE TABLE check_status (
                id TEXT PRIMARY KEY,
                check_name TEXT NOT NULL,
                target TEXT NOT NULL,
                state TEXT NOT NULL,
                message TEXT NOT NULL,
                since BIGINT NOT NULL,
                checked_at BIGINT NOT NULL,
                muted_by TEXT NULL
            );
            CREATE TABLE check_changes (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                check_id TEXT NOT NULL,
                check_name TEXT NOT NULL,
                target TEXT NOT NULL,
                state TEXT NOT NULL,
                message TEXT NOT NULL,
                at BIGINT NOT NULL,
                muted_by TEXT NULL
            );
            CREATE INDEX ix_check_changes_at ON check_changes(at);
            CREATE INDEX ix_check_changes_check ON check_changes(check_id, seq);
            """,
            """
            CREATE TABLE check_status (
                id TEXT PRIMARY KEY,
                check_name TEXT NOT NULL,
                target TEXT NOT NULL,
                state TEXT NOT NULL,
                message TEXT NOT NULL,
                since BIGINT NOT NULL,
                checked_at BIGINT NOT NULL,
                muted_by TEXT NULL
            );
            CREATE TABLE check_changes (
                seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                check_id TEXT NOT NULL,
                check_name TEXT NOT NULL,
                target TEXT NOT NULL,
                state TEXT NOT NULL,
                message TEXT NOT NULL,
                at BIGINT NOT NULL,
                muted_by TEXT NULL
            );
            CREATE INDEX ix_check_changes_at ON check_changes(at);
            CREATE INDEX ix_check_changes_check ON check_changes(check_id, seq);
            """),
    ];
}
