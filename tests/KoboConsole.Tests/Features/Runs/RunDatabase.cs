using Dapper;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace KoboConsole.Tests.Features.Runs;

/// <summary>A console database of its own (a SQLite file in a temporary folder) with the run tables, for one test.</summary>
internal sealed class RunDatabase(params IMigrationSource[] more) : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("koboconsole-runs-").FullName;
    private ConsoleDb _db = null!;

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.Parse("2026-12-07T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public RunStore Runs { get; private set; } = null!;

    public ConsoleDb Db => _db;

    public RunCancellation Cancellation { get; } = new();

    public Leases Leases { get; private set; } = null!;

    public AuditLog Audit { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _db = new ConsoleDb(Options.Create(new StorageOptions { DataDirectory = _dir }), new Env(_dir));
        await new DbMigrator(_db, [new CoreMigrations(), new RunsMigrations(), .. more], NullLogger<DbMigrator>.Instance).MigrateAsync(CancellationToken.None);
        Runs = new RunStore(_db, Time, new ConsoleInstance());
        Leases = new Leases(_db, Time);
        Audit = new AuditLog(_db, Time);
    }

    public async Task ExecAsync(string sql)
    {
        await using var c = await _db.OpenAsync(CancellationToken.None);
        await c.ExecuteAsync(new CommandDefinition(sql));
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var c = await _db.OpenAsync(CancellationToken.None);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(sql));
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        return ValueTask.CompletedTask;
    }

    private sealed class Env(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";
        public string ApplicationName { get; set; } = "KoboConsole.Tests";
        public string ContentRootPath { get; set; } = root;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
