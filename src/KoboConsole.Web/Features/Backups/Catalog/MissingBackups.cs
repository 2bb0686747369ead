using Dapper;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Backups;

/// <summary>
/// When the console first noticed that a manifest's file or object was gone. The catalog records
/// what it finds each time it lists (the backups page, the API, the hourly check); a row goes away
/// when its entry does (the file came back, or retention removed the manifest too).
/// </summary>
public sealed class MissingBackups(ConsoleDb db, TimeProvider time, ILogger<MissingBackups> logger)
{
    /// <summary>Records the entries of <paramref name="target"/> that are missing now; returns when each was first noticed.</summary>
    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> RecordAsync(string target, IReadOnlyList<BackupEntry> missingNow, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        await using var tx = await c.BeginTransactionAsync(cancellationToken);
        var known = (await c.QueryAsync<(string Id, long NoticedAt)>(new CommandDefinition(
            "SELECT id, noticed_at FROM backup_missing WHERE target = @target", new { target }, tx, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Id, r => ConsoleDb.FromUnixMs(r.NoticedAt), StringComparer.Ordinal);
        // Milliseconds, as stored: the time reads the same on every later listing.
        var now = ConsoleDb.FromUnixMs(time.GetUtcNow().ToUnixTimeMilliseconds());
        var result = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var entry in missingNow)
        {
            if (known.Remove(entry.Id, out var at))
            {
                result[entry.Id] = at;
                continue;
            }

            await c.ExecuteAsync(new CommandDefinition(
                "INSERT INTO backup_missing (id, target, name, noticed_at) VALUES (@Id, @target, @Name, @at) ON CONFLICT (id) DO NOTHING",
                new { entry.Id, target, entry.Name, at = now.ToUnixTimeMilliseconds() }, tx, cancellationToken: cancellationToken));
            result[entry.Id] = now;
            Log.BackupMissing(logger, entry.Name, target, entry.RunId ?? "?");
        }

        foreach (var gone in known.Keys)
        {
            await c.ExecuteAsync(new CommandDefinition("DELETE FROM backup_missing WHERE id = @gone", new { gone }, tx, cancellationToken: cancellationToken));
        }

        await tx.CommitAsync(cancellationToken);
        return result;
    }
}

internal sealed class CatalogMigrations : IMigrationSource
{
    public IEnumerable<MigrationStep> Steps =>
    [
        new("2026-12-07.15-backup-missing",
            """
            CREATE TABLE backup_missing (
                id TEXT PRIMARY KEY,
                target TEXT NOT NULL,
                name TEXT NOT NULL,
                noticed_at BIGINT NOT NULL
            );
            """),
    ];
}
