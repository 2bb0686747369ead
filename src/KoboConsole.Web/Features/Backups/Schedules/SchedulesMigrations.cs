using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Backups.Schedules;

internal sealed class SchedulesMigrations : IMigrationSource
{
    public IEnumerable<MigrationStep> Steps =>
    [
        new("2026-11-25.11-backups-schedules",
            """
            CREATE TABLE backup_schedules (
                id TEXT PRIMARY KEY,
                stores TEXT NOT NULL,
                target TEXT NOT NULL,
                cron TEXT NOT NULL,
                time_zone TEXT NOT NULL,
                enabled INTEGER NOT NULL DEFAULT 1,
                source TEXT NOT NULL,
                created_at BIGINT NOT NULL
            );
            """),
    ];
}
