using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Maintenance;

/// <summary>Scheduled maintenance windows and the Hangfire jobs that open and close them.</summary>
internal sealed class MaintenanceMigrations : IMigrationSource
{
    public IEnumerable<MigrationStep> Steps =>
    [
        new("2026-11-25.10-maintenance-windows",
            """
            CREATE TABLE maintenance_windows (
                id TEXT PRIMARY KEY,
                start_at BIGINT NOT NULL,
                end_at BIGINT NOT NULL,
                eta TEXT NOT NULL,
                email TEXT NULL,
                state TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                start_job TEXT NULL,
                end_job TEXT NULL,
                last_error TEXT NULL
            );
            CREATE INDEX ix_maintenance_windows_state ON maintenance_windows(state);
            """),
    ];
}
