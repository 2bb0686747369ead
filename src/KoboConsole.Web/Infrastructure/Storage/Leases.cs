using Dapper;

namespace KoboConsole.Web.Infrastructure.Storage;

/// <summary>Who holds a lease, for "a toggle is in progress by jane" messages.</summary>
public sealed record LeaseHolder(string Name, string Holder, DateTimeOffset AcquiredAt, DateTimeOffset ExpiresAt);

/// <summary>
/// Named leases in the console's own database: mutual exclusion that holds across console
/// instances (PostgreSQL mode) and survives nothing it should not (a lease expires if its owner
/// dies without releasing it). Use for "one maintenance toggle at a time", "one backup per store".
/// </summary>
public sealed class Leases(ConsoleDb db, TimeProvider time)
{
    /// <summary>Takes the lease, or returns null when someone else holds an unexpired one.</summary>
    public async Task<Lease?> TryAcquireAsync(string name, string holder, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var token = Guid.NewGuid().ToString("N");
        var now = time.GetUtcNow();
        await using var c = await db.OpenAsync(cancellationToken);
        // One statement on both SQLite (3.24+) and PostgreSQL: insert, or take over an expired lease.
        var changed = await c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO leases (name, token, holder, acquired_at, expires_at) VALUES (@name, @token, @holder, @now, @expires)
            ON CONFLICT (name) DO UPDATE SET token = excluded.token, holder = excluded.holder,
                acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
            WHERE leases.expires_at < @now
            """,
            new { name, token, holder, now = now.ToUnixTimeMilliseconds(), expires = (now + ttl).ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken));
        return changed == 1 ? new Lease(this, name, token, holder) : null;
    }

    public async Task<LeaseHolder?> GetHolderAsync(string name, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var row = await c.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            "SELECT name AS Name, holder AS Holder, acquired_at AS AcquiredAt, expires_at AS ExpiresAt FROM leases WHERE name = @name AND expires_at >= @now",
            new { name, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return row is null ? null : new LeaseHolder(row.Name, row.Holder, ConsoleDb.FromUnixMs(row.AcquiredAt), ConsoleDb.FromUnixMs(row.ExpiresAt));
    }

    /// <summary>Drops every lease <paramref name="holder"/> holds (its process died; see RunRecovery).</summary>
    public async Task ReleaseHeldByAsync(string holder, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        await c.ExecuteAsync(new CommandDefinition("DELETE FROM leases WHERE holder = @holder", new { holder }, cancellationToken: cancellationToken));
    }

    internal async Task<bool> RenewAsync(string name, string token, TimeSpan ttl, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return await c.ExecuteAsync(new CommandDefinition(
            "UPDATE leases SET expires_at = @expires WHERE name = @name AND token = @token",
            new { name, token, expires = (time.GetUtcNow() + ttl).ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken)) == 1;
    }

    internal async Task ReleaseAsync(string name, string token)
    {
        await using var c = await db.OpenAsync(CancellationToken.None);
        await c.ExecuteAsync(new CommandDefinition("DELETE FROM leases WHERE name = @name AND token = @token", new { name, token }));
    }

    private sealed class Row
    {
        public string Name { get; set; } = "";
        public string Holder { get; set; } = "";
        public long AcquiredAt { get; set; }
        public long ExpiresAt { get; set; }
    }
}

/// <summary>A held lease; dispose to release it. Long work renews it before it expires.</summary>
public sealed class Lease(Leases owner, string name, string token, string holder) : IAsyncDisposable
{
    public string Name => name;

    public string Holder => holder;

    /// <summary>Extends the lease; false when it was lost (expired and taken by someone else).</summary>
    public Task<bool> RenewAsync(TimeSpan ttl, CancellationToken cancellationToken) => owner.RenewAsync(name, token, ttl, cancellationToken);

    public async ValueTask DisposeAsync() => await owner.ReleaseAsync(name, token);
}
