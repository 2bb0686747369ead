using Dapper;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Runs;

/// <summary>An interrupted run and what its unfinished items left behind (see <see cref="RunRecovery"/>).</summary>
public sealed record OrphanRun(string Id, string Kind, string? Owner, IReadOnlyList<string> Pending);

// Ownership, heartbeats and orphans: the console-killed-mid-run path.
public sealed partial class RunStore
{
    /// <summary>Remembers what must be removed if the process dies before the item ends (a partial file, an open upload).</summary>
    public async Task SetItemPendingAsync(string runId, int seq, string? pending, CancellationToken cancellationToken)
        => await ExecAsync("UPDATE run_items SET pending = @pending WHERE run_id = @runId AND seq = @seq", new { runId, seq, pending }, cancellationToken);

    /// <summary>Tells the other instances that this one still runs its runs.</summary>
    public async Task HeartbeatAsync(CancellationToken cancellationToken)
        => await ExecAsync("UPDATE runs SET heartbeat_at = @now WHERE owner = @owner AND state = 'running'",
            new { owner = instance.Id, now = Now() }, cancellationToken);

    /// <summary>Running runs of other owners whose last heartbeat is before <paramref name="staleBefore"/> (all of them when null).</summary>
    public async Task<IReadOnlyList<string>> FindOrphansAsync(DateTimeOffset? staleBefore, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return (await c.QueryAsync<string>(new CommandDefinition(
            "SELECT id FROM runs WHERE state = 'running' AND (owner IS NULL OR owner <> @owner) AND COALESCE(heartbeat_at, started_at, 0) < @stale",
            new { owner = instance.Id, stale = (staleBefore ?? DateTimeOffset.MaxValue).ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>
    /// Fails an orphan if it is still one (one instance wins when several try); returns it with its
    /// pending clean-ups, or null when another instance took it or it heartbeated meanwhile.
    /// </summary>
    public Task<OrphanRun?> ClaimOrphanAsync(string runId, DateTimeOffset? staleBefore, string error, CancellationToken cancellationToken)
        => FailOpenAsync(runId, "state = 'running' AND (owner IS NULL OR owner <> @self) AND COALESCE(heartbeat_at, started_at, 0) < @stale",
            staleBefore, error, "interrupted: the console process running it stopped; the incomplete file was removed.", cancellationToken);

    /// <summary>
    /// Fails a run that is still queued or running although its job has ended (the job threw);
    /// returns it with its pending clean-ups, or null when it had finished or does not exist.
    /// </summary>
    public Task<OrphanRun?> FailStrandedAsync(string runId, string error, string itemError, CancellationToken cancellationToken)
        => FailOpenAsync(runId, "state IN ('queued', 'running')", null, error, itemError, cancellationToken);

    private async Task<OrphanRun?> FailOpenAsync(string runId, string condition, DateTimeOffset? staleBefore, string error, string itemError,
        CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        await using var tx = await c.BeginTransactionAsync(cancellationToken);
        var run = await c.QuerySingleOrDefaultAsync<(string Kind, string? Owner)>(new CommandDefinition(
            "SELECT kind, owner FROM runs WHERE id = @runId", new { runId }, tx, cancellationToken: cancellationToken));
        var claimed = await c.ExecuteAsync(new CommandDefinition(
            "UPDATE runs SET state = 'failed', error = @error, finished_at = @now, step = NULL WHERE id = @runId AND " + condition,
            new { runId, error, now = Now(), self = instance.Id, stale = (staleBefore ?? DateTimeOffset.MaxValue).ToUnixTimeMilliseconds() },
            tx, cancellationToken: cancellationToken));
        if (claimed != 1)
        {
            await tx.RollbackAsync(cancellationToken);
            return null;
        }

        var pending = (await c.QueryAsync<string>(new CommandDefinition(
            "SELECT pending FROM run_items WHERE run_id = @runId AND pending IS NOT NULL", new { runId }, tx, cancellationToken: cancellationToken))).ToList();
        await c.ExecuteAsync(new CommandDefinition(
            """
            UPDATE run_items SET state = 'failed', pending = NULL, finished_at = @now,
                error = CASE WHEN state = 'running' THEN @itemError ELSE 'not started: ' || @itemError END
            WHERE run_id = @runId AND state IN ('queued', 'running')
            """,
            new { runId, now = Now(), itemError }, tx, cancellationToken: cancellationToken));
        await tx.CommitAsync(cancellationToken);
        return new OrphanRun(runId, run.Kind, run.Owner, pending);
    }
}
