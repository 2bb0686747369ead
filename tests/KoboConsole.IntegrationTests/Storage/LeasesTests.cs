using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace KoboConsole.IntegrationTests.Storage;

/// <summary>Leases on a real SQLite file: one holder at a time, expiry, release.</summary>
public sealed class LeasesTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("koboconsole-leases-").FullName;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-25T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private Leases _leases = null!;

    public async Task InitializeAsync()
    {
        var db = new ConsoleDb(Options.Create(new StorageOptions { DataDirectory = _dir }), new Env(_dir));
        await new DbMigrator(db, [new CoreMigrations()], NullLogger<DbMigrator>.Instance).MigrateAsync(CancellationToken.None);
        _leases = new Leases(db, _time);
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task TryAcquire_TwentyAtOnce_ExactlyOneWins()
    {
        var attempts = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => _leases.TryAcquireAsync("maintenance", $"user{i}", TimeSpan.FromMinutes(5), CancellationToken.None))));

        var winners = attempts.Where(l => l is not null).ToList();
        Assert.Single(winners);
        var holder = await _leases.GetHolderAsync("maintenance", CancellationToken.None);
        Assert.Equal(winners[0]!.Holder, holder?.Holder);
    }

    [Fact]
    public async Task TryAcquire_AfterRelease_Succeeds()
    {
        var first = await _leases.TryAcquireAsync("backup:postgres", "schedule", TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.NotNull(first);
        Assert.Null(await _leases.TryAcquireAsync("backup:postgres", "jane", TimeSpan.FromMinutes(5), CancellationToken.None));

        await first.DisposeAsync();

        Assert.NotNull(await _leases.TryAcquireAsync("backup:postgres", "jane", TimeSpan.FromMinutes(5), CancellationToken.None));
    }

    [Fact]
    public async Task TryAcquire_ExpiredLease_IsTakenOverAndTheOldOwnerCannotRenew()
    {
        var dead = await _leases.TryAcquireAsync("restore", "instance-a", TimeSpan.FromMinutes(1), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(2));

        var taken = await _leases.TryAcquireAsync("restore", "instance-b", TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.NotNull(taken);
        Assert.False(await dead!.RenewAsync(TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.True(await taken.RenewAsync(TimeSpan.FromMinutes(1), CancellationToken.None));
    }

    [Fact]
    public async Task Release_ByOldOwnerAfterTakeover_DoesNotFreeTheNewLease()
    {
        var dead = await _leases.TryAcquireAsync("restore", "instance-a", TimeSpan.FromMinutes(1), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(2));
        var taken = await _leases.TryAcquireAsync("restore", "instance-b", TimeSpan.FromMinutes(1), CancellationToken.None);

        await dead!.DisposeAsync();

        Assert.Equal("instance-b", (await _leases.GetHolderAsync("restore", CancellationToken.None))?.Holder);
        Assert.NotNull(taken);
    }

    private sealed class Env(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";
        public string ApplicationName { get; set; } = "KoboConsole.Web";
        public string ContentRootPath { get; set; } = root;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
