using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Restores;

/// <summary>What each restore run left behind (maintenance, stopped writers) and its safety backup.</summary>
internal sealed class RestoreMigrations : IMigrationSource
{
    public IEnumerable<MigrationStep> Steps =>
    [
        new("2026-11-25.30-restores",
            """
            CREATE TABLE restores (
                run_id TEXT PRIMARY KEY REFERENCES runs(id),
                failed_step TEXT NULL,
                safety_run_id TEXT NULL,
                safety_backup_ids TEXT NOT NULL DEFAULT '[]',
                stopped_writers TEXT NOT NULL DEFAULT '[]',
                maintenance_by_us INTEGER NOT NULL DEFAULT 0,
                pending INTEGER NOT NULL DEFAULT 0
            );
            """),
        new("2026-12-07.31-restore-step-times", "ALTER TABLE restores ADD COLUMN step_times TEXT NOT NULL DEFAULT '[]';"),
    ];
}
