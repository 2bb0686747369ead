using KoboConsole.Web.Features.Runs;
using Microsoft.Extensions.Logging.Abstractions;

namespace KoboConsole.Tests.Features.Runs;

/// <summary>The one way pages follow runs: a poll of the shared runs table, on a real SQLite file.</summary>
public sealed class RunWatchTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly RunDatabase _db = new();
    private RunWatch _watch = null!;

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        _watch = new RunWatch(_db.Db, NullLogger<RunWatch>.Instance) { Interval = TimeSpan.FromMilliseconds(20) };
    }

    public async Task DisposeAsync()
    {
        await _watch.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task PollAsync_FinishedRunsUnchanged_ReportsTheirKindOnceThenNothing()
    {
        var runId = await _db.Runs.CreateAsync("backup", "jane", null, CancellationToken.None);
        await _db.Runs.FinishAsync(runId, RunStates.Succeeded, null, CancellationToken.None);

        var (first, seen) = await _watch.PollAsync(new Dictionary<string, RunWatch.Summary>(), CancellationToken.None);
        var (second, _) = await _watch.PollAsync(seen, CancellationToken.None);

        Assert.Equal(["backup"], first);
        Assert.Empty(second);
    }

    [Fact]
    public async Task PollAsync_RunUnderWay_ReportsItsKindEveryTimeAndNotTheOthers()
    {
        var done = await _db.Runs.CreateAsync("drill", "jane", null, CancellationToken.None);
        await _db.Runs.FinishAsync(done, RunStates.Failed, "no", CancellationToken.None);
        var (_, seen) = await _watch.PollAsync(new Dictionary<string, RunWatch.Summary>(), CancellationToken.None);
        var runId = await _db.Runs.CreateAsync("backup", "jane", null, CancellationToken.None);
        await _db.Runs.StartAsync(runId, CancellationToken.None);

        var (first, seen2) = await _watch.PollAsync(seen, CancellationToken.None);
        var (second, _) = await _watch.PollAsync(seen2, CancellationToken.None);

        // Under way, its bytes and steps move without the summary changing: it is reported each time.
        Assert.Equal(["backup"], first);
        Assert.Equal(["backup"], second);
    }

    [Fact]
    public async Task PollAsync_RunEnds_ReportsItsKind()
    {
        var runId = await _db.Runs.CreateAsync("restore", "jane", null, CancellationToken.None);
        var (_, seen) = await _watch.PollAsync(new Dictionary<string, RunWatch.Summary>(), CancellationToken.None);

        _db.Time.Advance(TimeSpan.FromSeconds(5));
        await _db.Runs.FinishAsync(runId, RunStates.Cancelled, "cancelled by jane", CancellationToken.None);
        var (changed, seen2) = await _watch.PollAsync(seen, CancellationToken.None);
        var (after, _) = await _watch.PollAsync(seen2, CancellationToken.None);

        Assert.Equal(["restore"], changed);
        Assert.Empty(after);
    }

    [Fact]
    public async Task Subscribe_RunCreatedByAnotherInstance_NotifiesItsKind()
    {
        await _db.Runs.CreateAsync("drill", "jane", null, CancellationToken.None);
        var polled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = _watch.Subscribe(kinds =>
        {
            polled.TrySetResult();
            if (kinds.Contains("backup"))
            {
                heard.TrySetResult();
            }
        });
        await polled.Task.WaitAsync(Patience); // the watch has read the table once, before the backup exists

        // Another console instance on the same database: its own store, no in-process event.
        var elsewhere = new RunStore(_db.Db, _db.Time, new ConsoleInstance());
        await elsewhere.CreateAsync("backup", "api-token", null, CancellationToken.None);

        await heard.Task.WaitAsync(Patience);
    }

    [Fact]
    public async Task Subscribe_HandlerThrows_OtherSubscribersStillHear()
    {
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var broken = _watch.Subscribe(_ => throw new InvalidOperationException("circuit gone"));
        using var healthy = _watch.Subscribe(kinds =>
        {
            if (kinds.Contains("backup"))
            {
                heard.TrySetResult();
            }
        });

        await _db.Runs.CreateAsync("backup", "jane", null, CancellationToken.None);

        await heard.Task.WaitAsync(Patience);
    }
}
