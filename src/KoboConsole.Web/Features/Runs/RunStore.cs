using Dapper;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Runs;

/// <summary>Runs in the console's database: the page and the API read them, jobs write them.</summary>
public sealed class RunStore(ConsoleDb db, TimeProvider time)
{
    private const int MaxLogLines = 500;

    public async Task<string> CreateAsync(string kind, string actor, string? request, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N")[..16];
        await using var c = await db.OpenAsync(cancellationToken);
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO runs (id, kind, state, actor, request, created_at) VALUES (@id, @kind, @state, @actor, @request, @now)",
            new { id, kind, state = RunStates.Queued, actor, request, now = Now() }, cancellationToken: cancellationToken));
        return id;
    }

    public async Task StartAsync(string runId, CancellationToken cancellationToken)
        => await ExecAsync("UPDATE runs SET state = @state, started_at = COALESCE(started_at, @now) WHERE id = @runId",
            new { runId, state = RunStates.Running, now = Now() }, cancellationToken);

    public async Task FinishAsync(string runId, string state, string? error, CancellationToken cancellationToken)
        => await ExecAsync("UPDATE runs SET state = @state, error = @error, finished_at = @now, step = NULL WHERE id = @runId",
            new { runId, state, error, now = Now() }, cancellationToken);

    public async Task SetStepAsync(string runId, string? step, CancellationToken cancellationToken)
        => await ExecAsync("UPDATE runs SET step = @step WHERE id = @runId", new { runId, step }, cancellationToken);

    /// <summary>Marks the run for cancellation; false when it does not exist or has finished.</summary>
    public async Task<bool> RequestCancelAsync(string runId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return await c.ExecuteAsync(new CommandDefinition(
            "UPDATE runs SET cancel_requested = 1 WHERE id = @runId AND state IN ('queued', 'running')",
            new { runId }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<bool> IsCancelRequestedAsync(string runId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT cancel_requested FROM runs WHERE id = @runId", new { runId }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<int> AddItemAsync(string runId, string store, string name, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var seq = await c.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM run_items WHERE run_id = @runId", new { runId }, cancellationToken: cancellationToken));
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO run_items (run_id, seq, store, name, state) VALUES (@runId, @seq, @store, @name, @state)",
            new { runId, seq, store, name, state = RunStates.Queued }, cancellationToken: cancellationToken));
        return seq;
    }

    public async Task UpdateItemAsync(string runId, int seq, string state, long bytes, string? sha256, string? backupId, string? error, CancellationToken cancellationToken)
        => await ExecAsync(
            """
            UPDATE run_items SET state = @state, bytes = @bytes, sha256 = @sha256, backup_id = @backupId, error = @error,
                started_at = COALESCE(started_at, @now),
                finished_at = CASE WHEN @state IN ('succeeded', 'failed', 'cancelled') THEN @now ELSE NULL END
            WHERE run_id = @runId AND seq = @seq
            """,
            new { runId, seq, state, bytes, sha256, backupId, error, now = Now() }, cancellationToken);

    public async Task LogAsync(string runId, string text, CancellationToken cancellationToken)
        => await ExecAsync(
            "INSERT INTO run_log (run_id, seq, at, text) SELECT @runId, COALESCE(MAX(seq), 0) + 1, @now, @text FROM run_log WHERE run_id = @runId",
            new { runId, text, now = Now() }, cancellationToken);

    public async Task<RunView?> GetAsync(string runId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var run = await c.QuerySingleOrDefaultAsync<RunRow>(new CommandDefinition(
            $"{RunRow.Select} WHERE id = @runId", new { runId }, cancellationToken: cancellationToken));
        if (run is null)
        {
            return null;
        }

        var items = (await c.QueryAsync<ItemRow>(new CommandDefinition(
            $"{ItemRow.Select} WHERE run_id = @runId ORDER BY seq", new { runId }, cancellationToken: cancellationToken))).ToList();
        var log = (await c.QueryAsync<LogRow>(new CommandDefinition(
            "SELECT at AS At, text AS Text FROM run_log WHERE run_id = @runId ORDER BY seq DESC LIMIT @max",
            new { runId, max = MaxLogLines }, cancellationToken: cancellationToken))).Reverse()
            .Select(l => $"{ConsoleDb.FromUnixMs(l.At):HH:mm:ss} {l.Text}").ToList();
        return run.ToView(items, log);
    }

    public async Task<IReadOnlyList<RunView>> ListAsync(string kind, int limit, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var runs = (await c.QueryAsync<RunRow>(new CommandDefinition(
            $"{RunRow.Select} WHERE kind = @kind ORDER BY created_at DESC LIMIT @limit", new { kind, limit }, cancellationToken: cancellationToken))).ToList();
        // A sub-select, not Dapper's "IN @ids": with Npgsql Dapper sends the list as one array
        // parameter, and "IN $1" is a syntax error in PostgreSQL (the PostgreSQL storage broke here).
        var items = runs.Count == 0 ? [] : (await c.QueryAsync<ItemRow>(new CommandDefinition(
            $"{ItemRow.Select} WHERE run_id IN (SELECT id FROM runs WHERE kind = @kind ORDER BY created_at DESC LIMIT @limit) ORDER BY seq",
            new { kind, limit }, cancellationToken: cancellationToken))).ToList();
        return runs.Select(r => r.ToView(items.Where(i => i.RunId == r.Id).ToList(), [])).ToList();
    }

    private async Task ExecAsync(string sql, object args, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        await c.ExecuteAsync(new CommandDefinition(sql, args, cancellationToken: cancellationToken));
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private sealed class RunRow
    {
        public const string Select = "SELECT id AS Id, kind AS Kind, state AS State, actor AS Actor, request AS Request, created_at AS CreatedAt, "
            + "started_at AS StartedAt, finished_at AS FinishedAt, step AS Step, error AS Error, cancel_requested AS CancelRequested FROM runs";

        public string Id { get; set; } = "";
        public string Kind { get; set; } = "";
        public string State { get; set; } = "";
        public string Actor { get; set; } = "";
        public string? Request { get; set; }
        public long CreatedAt { get; set; }
        public long? StartedAt { get; set; }
        public long? FinishedAt { get; set; }
        public string? Step { get; set; }
        public string? Error { get; set; }
        public long CancelRequested { get; set; }

        public RunView ToView(List<ItemRow> items, IReadOnlyList<string> log) => new(Id, Kind, State, Actor, ConsoleDb.FromUnixMs(CreatedAt),
            StartedAt is { } s ? ConsoleDb.FromUnixMs(s) : null, FinishedAt is { } f ? ConsoleDb.FromUnixMs(f) : null,
            new RunProgressView(Step, items.Sum(i => i.Bytes), null), items.Select(i => i.ToView()).ToList(), Error, log, CancelRequested == 1, Request);
    }

    private sealed class ItemRow
    {
        public const string Select = "SELECT run_id AS RunId, seq AS Seq, store AS Store, name AS Name, state AS State, backup_id AS BackupId, "
            + "bytes AS Bytes, sha256 AS Sha256, error AS Error, started_at AS StartedAt, finished_at AS FinishedAt FROM run_items";

        public string RunId { get; set; } = "";
        public long Seq { get; set; }
        public string Store { get; set; } = "";
        public string Name { get; set; } = "";
        public string State { get; set; } = "";
        public string? BackupId { get; set; }
        public long Bytes { get; set; }
        public string? Sha256 { get; set; }
        public string? Error { get; set; }
        public long? StartedAt { get; set; }
        public long? FinishedAt { get; set; }

        public RunItemView ToView() => new((int)Seq, Store, Name, State, BackupId, Bytes, Sha256, Error,
            StartedAt is { } s ? ConsoleDb.FromUnixMs(s) : null, FinishedAt is { } f ? ConsoleDb.FromUnixMs(f) : null);
    }

    private sealed class LogRow
    {
        public long At { get; set; }
        public string Text { get; set; } = "";
    }
}
