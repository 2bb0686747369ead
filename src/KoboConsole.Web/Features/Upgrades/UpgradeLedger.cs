using System.Text.Json;
using Dapper;
using KoboConsole.Web.Features.Restores;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Upgrades;

/// <summary>
/// One PostgreSQL upgrade, from its preparing run to its retirement: where the old and new servers
/// and data are, what kobo was left in (writers stopped, maintenance), and the row counts the new
/// server must match. Its id is the preparing run's id.
/// </summary>
public sealed record UpgradeRecord(
    string RunId,
    string Stage,
    string Host,
    string OldContainerId,
    string OldContainerName,
    string OldImage,
    string DataPath,
    string OldDataSource,
    string NewDataSource,
    bool NamedVolume,
    string TargetImage,
    string? NewContainerId,
    IReadOnlyList<StoppedWriter> StoppedWriters,
    bool MaintenanceByUs,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> RowCounts,
    string? SafetyRunId,
    ConfigChange? Change);

/// <summary>The <c>upgrades</c> table: one JSON record per upgrade, read back by the switch, rollback and retire runs.</summary>
public sealed class UpgradeLedger(ConsoleDb db)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task SaveAsync(UpgradeRecord r, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        await c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO upgrades (run_id, stage, record) VALUES (@RunId, @Stage, @Record)
            ON CONFLICT (run_id) DO UPDATE SET stage = excluded.stage, record = excluded.record
            """, new { r.RunId, r.Stage, Record = JsonSerializer.Serialize(r, Json) }, cancellationToken: cancellationToken));
    }

    public async Task<UpgradeRecord?> GetAsync(string runId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var json = await c.QuerySingleOrDefaultAsync<string>(new CommandDefinition("SELECT record FROM upgrades WHERE run_id = @runId", new { runId }, cancellationToken: cancellationToken));
        return json is null ? null : JsonSerializer.Deserialize<UpgradeRecord>(json, Json);
    }
}

/// <summary>The <c>upgrades</c> table.</summary>
internal sealed class UpgradeMigrations : IMigrationSource
{
    public IEnumerable<MigrationStep> Steps =>
    [
        new("2026-12-07.40-upgrades",
            """
            CREATE TABLE upgrades (
                run_id TEXT PRIMARY KEY REFERENCES runs(id),
                stage TEXT NOT NULL,
                record TEXT NOT NULL
            );
            """),
    ];
}
