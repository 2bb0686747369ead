using KoboConsole.Web.Infrastructure.Probes;
using Npgsql;

namespace KoboConsole.Web.Infrastructure.Postgres;

/// <summary>Server version, size of each kobo database and connection count, through Npgsql (no pooling: one probe, one connection).</summary>
internal sealed class PostgresProbe : IPostgresProbe
{
    public async Task<PostgresStats> ProbeAsync(ProbeTarget target, IReadOnlyList<string> databases, CancellationToken cancellationToken)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(target.Timeout.TotalSeconds));
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = target.Address,
            Port = target.Port,
            Username = target.Username,
            Password = target.Password,
            Database = databases.Count > 0 ? databases[0] : "postgres",
            Pooling = false,
            Timeout = seconds,
            CommandTimeout = seconds,
            ApplicationName = "KoboConsole probe",
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(target.Timeout);
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(timeout.Token);
            var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
            await using (var cmd = new NpgsqlCommand("SELECT datname, pg_database_size(datname) FROM pg_database WHERE datname = ANY(@names)", connection))
            {
                cmd.Parameters.AddWithValue("names", databases.ToArray());
                await using var reader = await cmd.ExecuteReaderAsync(timeout.Token);
                while (await reader.ReadAsync(timeout.Token))
                {
                    sizes[reader.GetString(0)] = reader.GetInt64(1);
                }
            }

            await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'", connection);
            var connections = Convert.ToInt32(await count.ExecuteScalarAsync(timeout.Token), System.Globalization.CultureInfo.InvariantCulture);
            return new PostgresStats(connection.PostgreSqlVersion.ToString(), sizes, connections);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ProbeFailedException($"PostgreSQL at {target.Address}:{target.Port} did not answer within {target.Timeout.TotalSeconds:0.#} s.");
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            throw new ProbeFailedException($"PostgreSQL at {target.Address}:{target.Port}: {ex.Message}", ex);
        }
    }
}
