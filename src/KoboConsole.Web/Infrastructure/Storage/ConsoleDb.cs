using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace KoboConsole.Web.Infrastructure.Storage;

/// <summary>
/// Opens connections to the console's own database, SQLite or PostgreSQL. Feature services
/// write plain SQL through Dapper; the SQL we use is kept portable between the two
/// (times as Unix milliseconds, booleans as integers), so there is one query per use.
/// </summary>
public sealed class ConsoleDb
{
    private readonly string _connectionString;

    public ConsoleDb(IOptions<StorageOptions> options, IHostEnvironment environment)
    {
        var o = options.Value;
        Provider = o.Provider;
        DataDirectory = Path.GetFullPath(o.DataDirectory, environment.ContentRootPath);
        if (Provider == StorageProvider.Sqlite)
        {
            Directory.CreateDirectory(DataDirectory);
            SqlitePath = Path.Combine(DataDirectory, "koboconsole.db");
            _connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = SqlitePath,
                Cache = SqliteCacheMode.Shared,
                DefaultTimeout = 30,
            }.ToString();
        }
        else
        {
            _connectionString = o.ConnectionString!;
        }
    }

    public StorageProvider Provider { get; }

    /// <summary>Absolute data directory (exists in SQLite mode).</summary>
    public string DataDirectory { get; }

    /// <summary>The SQLite database file, or null in PostgreSQL mode.</summary>
    public string? SqlitePath { get; }

    public string ConnectionString => _connectionString;

    /// <summary>"SQLite /data/koboconsole.db" or "PostgreSQL host:port/database": where the data is, never a password.</summary>
    public string Describe()
    {
        if (Provider == StorageProvider.Sqlite)
        {
            return $"SQLite {SqlitePath}";
        }

        try
        {
            var b = new NpgsqlConnectionStringBuilder(_connectionString);
            return $"PostgreSQL {b.Host}:{b.Port}/{b.Database}";
        }
        catch (ArgumentException)
        {
            return "PostgreSQL (connection string unreadable)";
        }
    }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        DbConnection connection = Provider == StorageProvider.Sqlite
            ? new SqliteConnection(_connectionString)
            : new NpgsqlConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            if (connection is SqliteConnection sqlite)
            {
                await using var pragma = sqlite.CreateCommand();
                pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;";
                await pragma.ExecuteNonQueryAsync(cancellationToken);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Drops idle pooled connections (after an outage they are dead and would fail one request each).</summary>
    public void ClearPool()
    {
        if (Provider == StorageProvider.PostgreSql)
        {
            using var connection = new NpgsqlConnection(_connectionString);
            NpgsqlConnection.ClearPool(connection);
        }
    }

    public static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromUnixMs(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);
}
