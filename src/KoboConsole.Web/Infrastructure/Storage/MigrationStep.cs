namespace KoboConsole.Web.Infrastructure.Storage;

/// <summary>
/// One append-only schema step. Never edit a step that has shipped: add a new one. Ids sort in
/// the order steps must run (a date and a sequence number: <c>2026-11-25.01-users</c>).
/// Each step has the SQLite text and, where the dialects differ, the PostgreSQL text.
/// </summary>
public sealed record MigrationStep(string Id, string Sqlite, string? PostgreSql = null)
{
    public string For(StorageProvider provider) =>
        provider == StorageProvider.PostgreSql && PostgreSql is not null ? PostgreSql : Sqlite;
}

/// <summary>
/// A feature's own tables. Each feature registers one source in its module
/// (<c>services.AddSingleton&lt;IMigrationSource, BackupsMigrations&gt;()</c>), so features never
/// edit a shared list.
/// </summary>
public interface IMigrationSource
{
    IEnumerable<MigrationStep> Steps { get; }
}
