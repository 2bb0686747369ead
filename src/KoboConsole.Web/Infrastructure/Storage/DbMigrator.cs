using Dapper;

namespace KoboConsole.Web.Infrastructure.Storage;

/// <summary>Applies every feature's <see cref="MigrationStep"/>s at start, in id order, each in its own transaction.</summary>
public sealed class DbMigrator(ConsoleDb db, IEnumerable<IMigrationSource> sources, ILogger<DbMigrator> logger)
{
    // Any fixed number: several console instances on one PostgreSQL take turns migrating.
    private const long PostgresLockKey = 0x6b6f626f;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        if (db.Provider == StorageProvider.PostgreSql)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "SELECT pg_advisory_lock(@key)", new { key = PostgresLockKey }, cancellationToken: cancellationToken));
        }

        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)",
                cancellationToken: cancellationToken));
            var applied = (await connection.QueryAsync<string>(new CommandDefinition(
                "SELECT id FROM schema_migrations", cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);

            var steps = sources.SelectMany(s => s.Steps).OrderBy(s => s.Id, StringComparer.Ordinal).ToList();
            var duplicate = steps.GroupBy(s => s.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new InvalidOperationException($"Two schema steps share the id '{duplicate.Key}'.");
            }

            foreach (var step in steps.Where(s => !applied.Contains(s.Id)))
            {
                await using var tx = await connection.BeginTransactionAsync(cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(step.For(db.Provider), transaction: tx, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO schema_migrations (id, applied_at) VALUES (@id, @at)",
                    new { id = step.Id, at = ConsoleDb.Now() }, tx, cancellationToken: cancellationToken));
                await tx.CommitAsync(cancellationToken);
                Log.MigrationApplied(logger, step.Id, db.Provider);
            }
        }
        finally
        {
            if (db.Provider == StorageProvider.PostgreSql)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "SELECT pg_advisory_unlock(@key)", new { key = PostgresLockKey }, cancellationToken: CancellationToken.None));
            }
        }
    }
}
