using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Runs;

/// <summary>Runs (backups now; restores, drills and maintenance later), their items and log lines.</summary>
internal sealed class RunsMigrations : IMigrationSource
{
    public IEnumerable<MigrationStep> Steps =>
    [
        new("2026-11-25.10-runs",
            """
            CREATE TABLE runs (
                id TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                state TEXT NOT NULL,
                actor TEXT NOT NULL,
                request TEXT NULL,
                created_at BIGINT NOT NULL,
                started_at BIGINT NULL,
                finished_at BIGINT NULL,
                step TEXT NULL,
                error TEXT NULL,
                cancel_requested INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX ix_runs_created ON runs(created_at);
            CREATE TABLE run_items (
                run_id TEXT NOT NULL REFERENCES runs(id),
                seq INTEGER NOT NULL,
                store TEXT NOT NULL,
                name TEXT NOT NULL,
                state TEXT NOT NULL,
                backup_id TEXT NULL,
                bytes BIGINT NOT NULL DEFAULT 0,
                sha256 TEXT NULL,
                error TEXT NULL,
                started_at BIGINT NULL,
                finished_at BIGINT NULL,
                PRIMARY KEY (run_id, seq)
            );
            CREATE TABLE run_log (
                run_id TEXT NOT NULL REFERENCES runs(id),
                seq INTEGER NOT NULL,
                at BIGINT NOT NULL,
                text TEXT NOT NULL,
                PRIMARY KEY (run_id, seq)
            );
            """),
        // Who runs a run, and when it last said so: runs whose owner stopped heartbeating were
        // interrupted (console killed); pending names what to clean up for an unfinished item.
        new("2026-11-25.30-runs-owner-heartbeat",
            """
            ALTER TABLE runs ADD COLUMN owner TEXT NULL;
            ALTER TABLE runs ADD COLUMN heartbeat_at BIGINT NULL;
            ALTER TABLE run_items ADD COLUMN pending TEXT NULL;
            """),
    ];
}
