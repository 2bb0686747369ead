using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace KoboConsole.Tests.Features.Runs;

/// <summary>The run lifecycle every runbook runs in, on a real SQLite console database.</summary>
public sealed class RunScopeTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly RunDatabase _db = new();
    private RunScopes _scopes = null!;

    private FakeTimeProvider Time => _db.Time;

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        _scopes = new RunScopes(_db.Runs, _db.Cancellation, _db.Leases, _db.Audit, Time, NullLogger<RunScope>.Instance)
        {
            PollInterval = TimeSpan.FromMilliseconds(20),
        };
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task BeginAsync_CancelFlagSetByAnotherInstance_CancelsTheToken()
    {
        await using var scope = await BeginAsync();
        Assert.False(scope.Token.IsCancellationRequested);

        // Only the database flag, as another console instance sets it: no in-process cancel.
        Assert.True(await _db.Runs.RequestCancelAsync(scope.RunId, CancellationToken.None));

        await CancelledAsync(scope.Token);
    }

    [Fact]
    public async Task BeginAsync_CancelAskedWhileQueued_StartsCancelledAndMarksTheRunRunning()
    {
        var runId = await _db.Runs.CreateAsync("test", "jane", null, CancellationToken.None);
        await _db.Runs.RequestCancelAsync(runId, CancellationToken.None);

        await using var scope = await _scopes.BeginAsync((await _db.Runs.GetAsync(runId, CancellationToken.None))!, CancellationToken.None);

        Assert.True(scope.Token.IsCancellationRequested);
        Assert.Equal(RunStates.Running, (await _db.Runs.GetAsync(runId, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task Cancel_ThroughRunCancellation_CancelsTheScopesToken()
    {
        await using var scope = await BeginAsync();

        Assert.True(_db.Cancellation.Cancel(scope.RunId));

        Assert.True(scope.Token.IsCancellationRequested);
    }

    [Fact]
    public async Task KeepAlive_LeaseHeld_IsRenewedBeforeItExpires()
    {
        await using var scope = await BeginAsync();
        Assert.NotNull(await scope.TryHoldAsync("store", $"run {scope.RunId}", CancellationToken.None));
        var first = (await _db.Leases.GetHolderAsync("store", CancellationToken.None))!.ExpiresAt;

        Time.Advance(RunScope.LeaseTtl / 2);

        await UntilAsync(async () => (await _db.Leases.GetHolderAsync("store", CancellationToken.None))?.ExpiresAt > first);
        Assert.False(scope.Token.IsCancellationRequested);
    }

    [Fact]
    public async Task KeepAlive_LeaseTakenByAnother_StopsTheRunAndEndsItFailed()
    {
        await using var scope = await BeginAsync();
        Assert.NotNull(await scope.TryHoldAsync("store", $"run {scope.RunId}", CancellationToken.None));
        // The lease expired (the database was away) and another run took it.
        await _db.ExecAsync("DELETE FROM leases WHERE name = 'store'");
        var theirs = await _db.Leases.TryAcquireAsync("store", "run other", RunScope.LeaseTtl, CancellationToken.None);
        Assert.NotNull(theirs);

        Time.Advance(RunScope.LeaseTtl / 2);

        await CancelledAsync(scope.Token);
        Assert.Equal("store", scope.LeaseLost);
        await scope.EndAsync(RunStates.Cancelled, "maintenance is left on.", "test run");
        var run = (await _db.Runs.GetAsync(scope.RunId, CancellationToken.None))!;
        Assert.Equal(RunStates.Failed, run.State);
        Assert.StartsWith("stopped: its lease 'store' expired and was taken by another run", run.Error, StringComparison.Ordinal);
        Assert.EndsWith(" maintenance is left on.", run.Error, StringComparison.Ordinal);
        Assert.Equal("run other", (await _db.Leases.GetHolderAsync("store", CancellationToken.None))?.Holder);
    }

    [Fact]
    public async Task EndAsync_AHookThrows_StateAndAuditRecordedOnceAndTheOtherHooksRun()
    {
        await using var scope = await BeginAsync();
        var seen = new List<RunOutcome>();
        scope.OnEnded(_ => throw new InvalidOperationException("metrics broke"));
        scope.OnEnded(o =>
        {
            seen.Add(o);
            return Task.CompletedTask;
        });

        await scope.EndAsync(RunStates.Succeeded, null, "test run 1", "all good");
        await scope.EndAsync(RunStates.Failed, "again", "test run 1");

        var run = (await _db.Runs.GetAsync(scope.RunId, CancellationToken.None))!;
        Assert.Equal(RunStates.Succeeded, run.State);
        Assert.NotNull(run.FinishedAt);
        var outcome = Assert.Single(seen);
        Assert.Equal(RunStates.Succeeded, outcome.State);
        var audit = Assert.Single(await _db.Audit.QueryAsync(new AuditQuery { Action = "test.run" }, CancellationToken.None));
        Assert.Equal(("jane", "test run 1", RunStates.Succeeded, "all good"), (audit.Actor, audit.Target, audit.Outcome, audit.Details));
    }

    [Fact]
    public async Task EndAsync_LeasesHeld_ReleasesThemBeforeTheStateIsRecorded()
    {
        await using var scope = await BeginAsync();
        await scope.TryHoldAsync("a", "run x", CancellationToken.None);
        await scope.TryHoldAsync("b", "run x", CancellationToken.None);
        LeaseHolder?[] atEnd = [];
        scope.OnEnded(async _ => atEnd = [await _db.Leases.GetHolderAsync("a", CancellationToken.None), await _db.Leases.GetHolderAsync("b", CancellationToken.None)]);

        await scope.EndAsync(RunStates.Succeeded, null, "test run");

        Assert.Equal(2, atEnd.Length);
        Assert.All(atEnd, Assert.Null);
    }

    [Fact]
    public async Task WaitForLeaseAsync_HeldByOneToRefuse_ReturnsItsHolderWithoutTheLease()
    {
        await using var scope = await BeginAsync();
        await _db.Leases.TryAcquireAsync("backup:redis", "restore run 9", RunScope.LeaseTtl, CancellationToken.None);

        var wait = await scope.WaitForLeaseAsync("backup:redis", "run x", h => h?.Holder.StartsWith("restore", StringComparison.Ordinal) == true, _ => "waiting", scope.Token);

        Assert.Null(wait.Lease);
        Assert.Equal("restore run 9", wait.RefusedBy?.Holder);
    }

    [Fact]
    public async Task WaitForLeaseAsync_HeldByAnother_LogsOnceAndTakesItWhenReleased()
    {
        await using var scope = await BeginAsync();
        var other = (await _db.Leases.TryAcquireAsync("drill", "run other", RunScope.LeaseTtl, CancellationToken.None))!;

        var waiting = scope.WaitForLeaseAsync("drill", "run mine", _ => false, h => $"waiting for {h?.Holder}", scope.Token);
        await UntilAsync(async () => (await _db.Runs.GetAsync(scope.RunId, CancellationToken.None))!.Log.Count > 0);
        Assert.False(waiting.IsCompleted);
        await other.DisposeAsync();
        var wait = await waiting.WaitAsync(Patience, CancellationToken.None);

        Assert.Equal("run mine", wait.Lease?.Holder);
        Assert.Equal(["waiting for run other"], (await _db.Runs.GetAsync(scope.RunId, CancellationToken.None))!.Log.Select(l => l[9..]));
    }

    [Fact]
    public async Task Items_IntentNamedUpdates_RecordStateBytesHashBackupAndReason()
    {
        await using var scope = await BeginAsync();
        var ok = await scope.Items.AddAsync("postgres", "kpi.pg", CancellationToken.None);
        var bad = await scope.Items.AddAsync("redis", "redis.rdb", CancellationToken.None);
        var late = await scope.Items.AddAsync("mongo", "mongo.gz", CancellationToken.None);
        await scope.Items.StartedAsync(ok, CancellationToken.None);
        await scope.Items.PendingAsync(ok, "disk:partial", CancellationToken.None);
        await scope.Items.ProgressAsync(ok, 512, CancellationToken.None);
        var running = (await _db.Runs.GetAsync(scope.RunId, CancellationToken.None))!.Items[0];
        Assert.Equal((RunStates.Running, 512L), (running.State, running.Bytes));

        await scope.Items.SucceededAsync(ok, 1024, "abc", "disk:kpi.pg");
        await scope.Items.StartedAsync(bad, "s3:redis.rdb", CancellationToken.None);
        await scope.Items.FailedAsync(bad, "redis was stopped", bytes: 7, backupId: "s3:redis.rdb");
        await scope.Items.CancelledAsync(late, "the run was cancelled before this item started.");

        var items = (await _db.Runs.GetAsync(scope.RunId, CancellationToken.None))!.Items;
        Assert.Equal((RunStates.Succeeded, 1024L, "abc", "disk:kpi.pg", (string?)null), (items[0].State, items[0].Bytes, items[0].Sha256, items[0].BackupId, items[0].Error));
        Assert.Equal((RunStates.Failed, 7L, "s3:redis.rdb", "redis was stopped"), (items[1].State, items[1].Bytes, items[1].BackupId, items[1].Error));
        Assert.Equal((RunStates.Cancelled, "the run was cancelled before this item started."), (items[2].State, items[2].Error));
        Assert.All(items.Take(2), i => Assert.NotNull(i.FinishedAt));
        // An ended item has nothing left for the interrupted-run clean-up.
        Assert.Equal(0, await _db.ScalarAsync("SELECT COUNT(*) FROM run_items WHERE pending IS NOT NULL"));
    }

    private async Task<RunScope> BeginAsync()
    {
        var runId = await _db.Runs.CreateAsync("test", "jane", null, CancellationToken.None);
        return await _scopes.BeginAsync((await _db.Runs.GetAsync(runId, CancellationToken.None))!, CancellationToken.None);
    }

    private static async Task CancelledAsync(CancellationToken token)
    {
        var cancelled = new TaskCompletionSource();
        using var registration = token.Register(cancelled.SetResult);
        await cancelled.Task.WaitAsync(Patience, CancellationToken.None);
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!await condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
