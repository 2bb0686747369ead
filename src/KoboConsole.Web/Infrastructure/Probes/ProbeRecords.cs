namespace KoboConsole.Web.Infrastructure.Probes;

/// <summary>Where and as whom to reach a database server. <see cref="Password"/> is never logged or shown.</summary>
public sealed record ProbeTarget(string Address, int Port, string? Username, string? Password, TimeSpan Timeout);

/// <summary>A probe could not reach the service or was refused; the message says which and is safe to show.</summary>
public sealed class ProbeFailedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary><see cref="MaxConnections"/>: the server's <c>max_connections</c> (0 when not read).</summary>
public sealed record PostgresStats(string ServerVersion, IReadOnlyDictionary<string, long> DatabaseSizes, int Connections, PostgresReplication? Replication = null, int MaxConnections = 0);

/// <summary>
/// Streaming replication as the server sees it. On a primary, <see cref="Standbys"/> from
/// <c>pg_stat_replication</c>; on a standby (<see cref="InRecovery"/>), how long ago it replayed
/// the last transaction (<c>now() - pg_last_xact_replay_timestamp()</c>: grows while the primary
/// is idle) and the WAL it received but has not replayed yet.
/// </summary>
public sealed record PostgresReplication(
    bool InRecovery,
    IReadOnlyList<StandbyLag> Standbys,
    string? UpstreamHost,
    string? ReceiverStatus,
    TimeSpan? SinceLastReplay,
    long? ReplayBacklogBytes);

/// <summary>One standby streaming from a primary: its address, state, WAL bytes not replayed yet and <c>replay_lag</c> (null when idle).</summary>
public sealed record StandbyLag(string Client, string State, long BytesBehind, TimeSpan? ReplayLag);

/// <summary><see cref="MaxMemoryBytes"/>: Redis's <c>maxmemory</c>; 0 means no limit.</summary>
public sealed record RedisStats(string Version, long UsedMemoryBytes, DateTimeOffset? LastSaveAt, bool LastBgsaveOk, long MaxMemoryBytes = 0);

public sealed record MongoStats(string Version, IReadOnlyDictionary<string, long> DatabaseSizes);

public interface IPostgresProbe
{
    /// <exception cref="ProbeFailedException">Unreachable, refused, wrong credentials or too slow.</exception>
    Task<PostgresStats> ProbeAsync(ProbeTarget target, IReadOnlyList<string> databases, CancellationToken cancellationToken);
}

public interface IRedisProbe
{
    /// <exception cref="ProbeFailedException">Unreachable, refused, wrong password or too slow.</exception>
    Task<RedisStats> ProbeAsync(ProbeTarget target, CancellationToken cancellationToken);
}

public interface IMongoProbe
{
    /// <exception cref="ProbeFailedException">Unreachable, refused, wrong credentials or too slow.</exception>
    Task<MongoStats> ProbeAsync(ProbeTarget target, CancellationToken cancellationToken);
}
