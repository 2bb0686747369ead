using Dapper;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Checks;

/// <summary>
/// Free-space readings per filesystem check in the console's database, for the growth forecast.
/// One row per target per capacity round (every 5 min: about 2,000 rows a week per target);
/// rows older than <c>ForecastDays</c> are deleted when a new one is written, so the table stays bounded.
/// </summary>
public sealed class CapacitySamples(ConsoleDb db)
{
    /// <summary>Stores <paramref name="sample"/>, drops this target's samples older than <paramref name="keepSince"/>, and returns the rest, oldest first.</summary>
    public async Task<IReadOnlyList<DiskSample>> AddAsync(string target, DiskSample sample, DateTimeOffset keepSince, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        await using var tx = await c.BeginTransactionAsync(cancellationToken);
        var args = new { target, at = sample.At.ToUnixTimeMilliseconds(), used = sample.UsedBytes, free = sample.FreeBytes, keep = keepSince.ToUnixTimeMilliseconds() };
        await c.ExecuteAsync(new CommandDefinition("INSERT INTO capacity_samples (target, at, used_bytes, free_bytes) VALUES (@target, @at, @used, @free)", args, tx, cancellationToken: cancellationToken));
        await c.ExecuteAsync(new CommandDefinition("DELETE FROM capacity_samples WHERE target = @target AND at < @keep", args, tx, cancellationToken: cancellationToken));
        var rows = await c.QueryAsync<(long At, long Used, long Free)>(new CommandDefinition(
            "SELECT at, used_bytes, free_bytes FROM capacity_samples WHERE target = @target ORDER BY at", args, tx, cancellationToken: cancellationToken));
        await tx.CommitAsync(cancellationToken);
        return [.. rows.Select(r => new DiskSample(ConsoleDb.FromUnixMs(r.At), r.Used, r.Free))];
    }

    /// <summary>Drops the samples of targets no longer checked (a volume or target gone) older than <paramref name="before"/>.</summary>
    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return await c.ExecuteAsync(new CommandDefinition("DELETE FROM capacity_samples WHERE at < @before", new { before = before.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }
}

internal sealed class CapacityMigrations : IMigrationSource
{
    public IEnumerable<MigrationStep> Steps =>
    [
        new("2026-12-07.26-capacity-samples",
            """
            CREATE TABLE capacity_samples (
                target TEXT NOT NULL,
                at BIGINT NOT NULL,
                used_bytes BIGINT NOT NULL,
                free_bytes BIGINT NOT NULL
            );
            CREATE INDEX ix_capacity_samples_target_at ON capacity_samples(target, at);
            """),
    ];
}
