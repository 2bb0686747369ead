using KoboConsole.Web.Features.Checks;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KoboConsole.Tests.Features.Checks;

/// <summary>The state and history tables on a SQLite file in a temporary folder (the console's embedded mode).</summary>
public sealed class CheckStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 1, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("koboconsole-checks-").FullName;
    private CheckStore _store = null!;

    public async Task InitializeAsync()
    {
        var db = new ConsoleDb(Options.Create(new StorageOptions { DataDirectory = _dir }), new Env(_dir));
        await new DbMigrator(db, [new CoreMigrations(), new ChecksMigrations()], NullLogger<DbMigrator>.Instance).MigrateAsync(CancellationToken.None);
        _store = new CheckStore(db);
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    private static (CheckResult, string?) R(string target, string state, string? mutedBy = null) =>
        (new CheckResult(CheckKinds.Probe, target, state, $"{target} {state}"), mutedBy);

    private Task<IReadOnlyList<AppliedChange>> ApplyAsync(DateTimeOffset at, params (CheckResult, string?)[] round) =>
        _store.ApplyAsync([CheckKinds.Probe], round, removeVanished: true, at, CancellationToken.None);

    [Fact]
    public async Task Apply_SameStateAgain_NoNewChangeButCheckedAtMoves()
    {
        Assert.Single(await ApplyAsync(T0, R("redis", CheckStates.Ok)));

        var again = await ApplyAsync(T0.AddSeconds(30), R("redis", CheckStates.Ok));

        Assert.Empty(again);
        var status = Assert.Single(await _store.ListAsync(CancellationToken.None));
        Assert.Equal((T0, T0.AddSeconds(30)), (status.Since, status.CheckedAt));
    }

    [Fact]
    public async Task Apply_StateChanges_RecordsChangeWithPreviousStateAndNewSince()
    {
        await ApplyAsync(T0, R("redis", CheckStates.Ok));

        var change = Assert.Single(await ApplyAsync(T0.AddMinutes(1), R("redis", CheckStates.Failing)));

        Assert.Equal((CheckStates.Failing, CheckStates.Ok, (DateTimeOffset?)T0), (change.Change.State, change.PreviousState, change.PreviousSince));
        var status = Assert.Single(await _store.ListAsync(CancellationToken.None));
        Assert.Equal((CheckStates.Failing, T0.AddMinutes(1)), (status.State, status.Since));
    }

    [Fact]
    public async Task Apply_MutingChanges_IsAChange()
    {
        await ApplyAsync(T0, R("redis", CheckStates.Failing));

        var change = Assert.Single(await ApplyAsync(T0.AddMinutes(1), R("redis", CheckStates.Failing, "maintenance window w1")));

        Assert.Equal("maintenance window w1", change.Change.MutedBy);
        Assert.True(Assert.Single(await _store.ListAsync(CancellationToken.None)).Muted);
    }

    [Fact]
    public async Task Apply_CheckGone_RemovedFromCurrentOnlyWhenAsked()
    {
        await ApplyAsync(T0, R("redis", CheckStates.Ok), R("postgres", CheckStates.Ok));

        await _store.ApplyAsync([CheckKinds.Probe], [R("redis", CheckStates.Ok)], removeVanished: false, T0.AddMinutes(1), CancellationToken.None);
        Assert.Equal(2, (await _store.ListAsync(CancellationToken.None)).Count);
        await ApplyAsync(T0.AddMinutes(2), R("redis", CheckStates.Ok));

        Assert.Equal("redis", Assert.Single(await _store.ListAsync(CancellationToken.None)).Target);
    }

    [Fact]
    public async Task History_Range_IncludesTheStateThePeriodBeganIn()
    {
        await ApplyAsync(T0, R("redis", CheckStates.Ok), R("postgres", CheckStates.Ok));
        await ApplyAsync(T0.AddHours(2), R("redis", CheckStates.Failing), R("postgres", CheckStates.Ok));
        await ApplyAsync(T0.AddHours(3), R("redis", CheckStates.Ok), R("postgres", CheckStates.Ok));

        var history = await _store.HistoryAsync(CheckKinds.Probe, "redis", T0.AddHours(1), T0.AddHours(4), CancellationToken.None);

        Assert.Equal([CheckStates.Ok, CheckStates.Failing, CheckStates.Ok], history.Select(c => c.State));
        Assert.All(history, c => Assert.Equal("redis", c.Target));
        Assert.Equal(TimeSpan.FromHours(1), Assert.Single(Uptime.Incidents(history)).Duration(T0.AddHours(4)));
    }

    [Fact]
    public async Task Prune_OldChanges_DeletedButEachChecksNewestKept()
    {
        await ApplyAsync(T0, R("redis", CheckStates.Ok), R("postgres", CheckStates.Ok));
        await ApplyAsync(T0.AddDays(1), R("redis", CheckStates.Failing), R("postgres", CheckStates.Ok));
        await ApplyAsync(T0.AddDays(100), R("redis", CheckStates.Ok), R("postgres", CheckStates.Ok));

        var pruned = await _store.PruneAsync(T0.AddDays(10), CancellationToken.None);

        Assert.Equal(2, pruned);
        var left = await _store.HistoryAsync(null, null, T0.AddDays(-1), T0.AddDays(101), CancellationToken.None);
        Assert.Equal([("postgres", CheckStates.Ok), ("redis", CheckStates.Ok)], left.Select(c => (c.Target, c.State)).OrderBy(x => x.Target));
    }

    private sealed class Env(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";
        public string ApplicationName { get; set; } = "KoboConsole.Web";
        public string ContentRootPath { get; set; } = root;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
