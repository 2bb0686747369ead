using KoboConsole.Web.Infrastructure.Probes;
using Npgsql;

namespace KoboConsole.Web.Infrastructure.Postgres;

/// <summary>Server version, size of each kobo database, connection count and replication, through Npgsql (no pooling: one probe, one connection).</summary>
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
            await using var max = new NpgsqlCommand("SELECT current_setting('max_connections')::int", connection);
            var maxConnections = Convert.ToInt32(await max.ExecuteScalarAsync(timeout.Token), System.Globalization.CultureInfo.InvariantCulture);
            var replication = await ReplicationAsync(connection, timeout.Token);
            return new PostgresStats(connection.PostgreSqlVersion.ToString(), sizes, connections, replication, maxConnections);
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

    // The lag as PostgreSQL measures it: pg_stat_replication on a primary (its LSN columns need a
    // superuser or pg_monitor, which kobo's POSTGRES_USER is), the replay position on a standby.
    private static async Task<PostgresReplication> ReplicationAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using (var recovery = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection))
        {
            if (!(bool)(await recovery.ExecuteScalarAsync(cancellationToken))!)
            {
                var standbys = new List<StandbyLag>();
                await using var cmd = new NpgsqlCommand(
                    "SELECT coalesce(client_addr::text, application_name), coalesce(state, ''), coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), 0)::bigint, "
                    + "extract(epoch FROM replay_lag)::float8 FROM pg_stat_replication ORDER BY 1", connection);
                await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    standbys.Add(new StandbyLag(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : TimeSpan.FromSeconds(reader.GetDouble(3))));
                }

                return new PostgresReplication(false, standbys, null, null, null, null);
            }
        }

        await using var standby = new NpgsqlCommand(
            "SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8, "
            + "pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint, "
            + "(SELECT sender_host || ':' || sender_port FROM pg_stat_wal_receiver), (SELECT status FROM pg_stat_wal_receiver)", connection);
        await using var r = await standby.ExecuteReaderAsync(cancellationToken);
        await r.ReadAsync(cancellationToken);
        return new PostgresReplication(true, [], r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
            r.IsDBNull(0) ? null : TimeSpan.FromSeconds(Math.Max(0, r.GetDouble(0))), r.IsDBNull(1) ? null : r.GetInt64(1));
    }
}
