using KoboConsole.Web.Features.Checks;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KoboConsole.Tests.Features.Checks;

/// <summary>The free-space samples on a SQLite file in a temporary folder (the console's embedded mode).</summary>
public sealed class CapacitySamplesTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("koboconsole-samples-").FullName;
    private CapacitySamples _samples = null!;

    public async Task InitializeAsync()
    {
        var db = new ConsoleDb(Options.Create(new StorageOptions { DataDirectory = _dir }), new Env(_dir));
        await new DbMigrator(db, [new CoreMigrations(), new CapacityMigrations()], NullLogger<DbMigrator>.Instance).MigrateAsync(CancellationToken.None);
        _samples = new CapacitySamples(db);
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Add_SamplesOlderThanKeepSince_DroppedAndTheRestReturnedOldestFirst()
    {
        for (var d = 0; d < 10; d++)
        {
            await _samples.AddAsync("backups@disk", new DiskSample(T0.AddDays(d), d, 100 - d), T0.AddDays(d - 7), CancellationToken.None);
        }

        var kept = await _samples.AddAsync("backups@disk", new DiskSample(T0.AddDays(10), 10, 90), T0.AddDays(3), CancellationToken.None);

        Assert.Equal(Enumerable.Range(3, 8).Select(d => T0.AddDays(d)), kept.Select(s => s.At));
        Assert.Equal((10L, 90L), (kept[^1].UsedBytes, kept[^1].FreeBytes));
    }

    [Fact]
    public async Task Add_OtherTarget_NotMixedIn()
    {
        await _samples.AddAsync("postgres@a", new DiskSample(T0, 1, 1), T0.AddDays(-7), CancellationToken.None);

        var kept = await _samples.AddAsync("mongo@b", new DiskSample(T0.AddHours(1), 2, 2), T0.AddDays(-7), CancellationToken.None);

        Assert.Equal(2L, Assert.Single(kept).UsedBytes);
    }

    [Fact]
    public async Task Prune_OldSamplesOfEveryTarget_Deleted()
    {
        await _samples.AddAsync("gone@x", new DiskSample(T0, 1, 1), T0.AddDays(-7), CancellationToken.None);
        await _samples.AddAsync("kept@y", new DiskSample(T0.AddDays(5), 1, 1), T0.AddDays(-7), CancellationToken.None);

        Assert.Equal(1, await _samples.PruneAsync(T0.AddDays(1), CancellationToken.None));
    }

    private sealed class Env(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";
        public string ApplicationName { get; set; } = "KoboConsole.Web";
        public string ContentRootPath { get; set; } = root;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
