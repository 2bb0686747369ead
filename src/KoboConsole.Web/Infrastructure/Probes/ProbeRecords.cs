namespace KoboConsole.Web.Infrastructure.Probes;

/// <summary>Where and as whom to reach a database server. <see cref="Password"/> is never logged or shown.</summary>
public sealed record ProbeTarget(string Address, int Port, string? Username, string? Password, TimeSpan Timeout);

/// <summary>A probe could not reach the service or was refused; the message says which and is safe to show.</summary>
public sealed class ProbeFailedException(string message, Exception? inner = null) : Exception(message, inner);

public sealed record PostgresStats(string ServerVersion, IReadOnlyDictionary<string, long> DatabaseSizes, int Connections);

public sealed record RedisStats(string Version, long UsedMemoryBytes, DateTimeOffset? LastSaveAt, bool LastBgsaveOk);

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
