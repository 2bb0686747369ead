using System.Text.Json;
using Dapper;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Restores;

/// <summary>A writer container a restore stopped (started again at its end, or by the next restore).</summary>
public sealed record StoppedWriter(string Host, string Id, string Name);

/// <summary>One restore's record: the safety backup, and what it left behind when it stopped.</summary>
public sealed record RestoreRecord(
    string RunId,
    string? FailedStep,
    string? SafetyRunId,
    IReadOnlyList<string> SafetyBackupIds,
    IReadOnlyList<StoppedWriter> StoppedWriters,
    bool MaintenanceByUs,
    bool Pending,
    IReadOnlyList<StepTime>? Steps = null);

/// <summary>How long one step of a restore took, and whether kobo was in maintenance during it (the downtime).</summary>
public sealed record StepTime(string Step, double Seconds, bool InMaintenance);

/// <summary>
/// The <c>restores</c> table. A restore that stopped part-way stays <c>pending</c>: the next restore
/// (typically the rollback) takes over its stopped writers and its maintenance mode, and clears it.
/// </summary>
public sealed class RestoreLedger(ConsoleDb db)
{
    public async Task SaveAsync(RestoreRecord r, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        await c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO restores (run_id, failed_step, safety_run_id, safety_backup_ids, stopped_writers, maintenance_by_us, pending, step_times)
            VALUES (@RunId, @FailedStep, @SafetyRunId, @Ids, @Writers, @Maint, @Pending, @Steps)
            ON CONFLICT (run_id) DO UPDATE SET failed_step = excluded.failed_step, safety_run_id = excluded.safety_run_id,
                safety_backup_ids = excluded.safety_backup_ids, stopped_writers = excluded.stopped_writers,
                maintenance_by_us = excluded.maintenance_by_us, pending = excluded.pending, step_times = excluded.step_times
            """,
            new
            {
                r.RunId,
                r.FailedStep,
                r.SafetyRunId,
                Ids = JsonSerializer.Serialize(r.SafetyBackupIds),
                Writers = JsonSerializer.Serialize(r.StoppedWriters),
                Maint = r.MaintenanceByUs ? 1 : 0,
                Pending = r.Pending ? 1 : 0,
                Steps = JsonSerializer.Serialize(r.Steps ?? []),
            }, cancellationToken: cancellationToken));
    }

    public async Task<RestoreRecord?> GetAsync(string runId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var row = await c.QuerySingleOrDefaultAsync<Row>(new CommandDefinition($"{Row.Select} WHERE run_id = @runId", new { runId }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    /// <summary>Earlier restores that stopped part-way and left writers stopped or maintenance on.</summary>
    public async Task<IReadOnlyList<RestoreRecord>> PendingAsync(string exceptRunId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.QueryAsync<Row>(new CommandDefinition($"{Row.Select} WHERE pending = 1 AND run_id <> @exceptRunId", new { exceptRunId }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async Task ClearPendingAsync(IEnumerable<string> runIds, CancellationToken cancellationToken)
    {
        // One statement per run: Dapper's "IN @ids" becomes "IN $1" with Npgsql, a syntax error in PostgreSQL.
        await using var c = await db.OpenAsync(cancellationToken);
        foreach (var runId in runIds)
        {
            await c.ExecuteAsync(new CommandDefinition("UPDATE restores SET pending = 0 WHERE run_id = @runId", new { runId }, cancellationToken: cancellationToken));
        }
    }

    private sealed class Row
    {
        public const string Select = "SELECT run_id AS RunId, failed_step AS FailedStep, safety_run_id AS SafetyRunId, safety_backup_ids AS SafetyBackupIds, "
            + "stopped_writers AS StoppedWriters, maintenance_by_us AS MaintenanceByUs, pending AS Pending, "
            + "step_times AS StepTimes FROM restores";

        public string RunId { get; set; } = "";
        public string? FailedStep { get; set; }
        public string? SafetyRunId { get; set; }
        public string SafetyBackupIds { get; set; } = "[]";
        public string StoppedWriters { get; set; } = "[]";
        public long MaintenanceByUs { get; set; }
        public long Pending { get; set; }

        public string StepTimes { get; set; } = "[]";

        public RestoreRecord ToRecord() => new(RunId, FailedStep, SafetyRunId,
            JsonSerializer.Deserialize<List<string>>(SafetyBackupIds) ?? [],
            JsonSerializer.Deserialize<List<StoppedWriter>>(StoppedWriters) ?? [],
            MaintenanceByUs == 1, Pending == 1, JsonSerializer.Deserialize<List<StepTime>>(StepTimes) ?? []);
    }
}
