using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Runs;
using Microsoft.Extensions.Logging.Abstractions;

namespace KoboConsole.Tests.Features.Runs;

/// <summary>What a job does with its run before running it, on a real SQLite console database.</summary>
public sealed class RunRecoveryTests : IAsyncLifetime
{
    private readonly RunDatabase _db = new();
    private RunRecovery _recovery = null!;

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        _recovery = new RunRecovery(_db.Runs, _db.Leases, [], _db.Db, _db.Audit, _db.Time, NullLogger<RunRecovery>.Instance);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Theory]
    [InlineData(RunStates.Succeeded)]
    [InlineData(RunStates.Failed)]
    [InlineData(RunStates.Cancelled)]
    public async Task GuardAsync_RunAlreadyEnded_RefusesWithAMessageLogsAndAudits(string state)
    {
        var runId = await _db.Runs.CreateAsync("restore", "ada", null, CancellationToken.None);
        await _db.Runs.FinishAsync(runId, state, state == RunStates.Succeeded ? null : "it stopped", CancellationToken.None);
        var ran = false;

        // Hangfire's "Requeue" on the finished job calls the job again with the same run id.
        var ex = await Assert.ThrowsAsync<RunAlreadyEndedException>(() => _recovery.GuardAsync(runId, () =>
        {
            ran = true;
            return Task.CompletedTask;
        }, CancellationToken.None));

        Assert.False(ran);
        Assert.Contains($"restore run {runId} already ended as '{state}' at 2026-12-07 10:00:00 UTC", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Start a new restore", ex.Message, StringComparison.Ordinal);
        var run = (await _db.Runs.GetAsync(runId, CancellationToken.None))!;
        Assert.Equal(state, run.State);
        Assert.Contains(run.Log, l => l.Contains("Requeue refused: ", StringComparison.Ordinal));
        var entry = Assert.Single(await _db.Audit.QueryAsync(new AuditQuery { Action = "restore.requeue" }, CancellationToken.None));
        Assert.Equal((RunRecovery.RequeueActor, "refused"), (entry.Actor, entry.Outcome));
        Assert.Contains(runId, entry.Target, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GuardAsync_RunQueued_RunsIt()
    {
        var runId = await _db.Runs.CreateAsync("backup", "jane", null, CancellationToken.None);
        var ran = false;

        await _recovery.GuardAsync(runId, () =>
        {
            ran = true;
            return Task.CompletedTask;
        }, CancellationToken.None);

        Assert.True(ran);
        Assert.Empty(await _db.Audit.QueryAsync(new AuditQuery { Action = "backup.requeue" }, CancellationToken.None));
    }
}
