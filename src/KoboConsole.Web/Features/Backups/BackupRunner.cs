using System.Text.Json;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.Docker;
using KoboConsole.Web.Infrastructure.Metrics;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Backups;

/// <summary>
/// Executes one backup run: plans the items, streams each to the target under a per-store
/// lease, writes the manifest last. Safe to call twice for the same run (a finished run is left
/// alone). Every failure ends as a failed item with its reason; nothing incomplete stays behind.
/// </summary>
public sealed partial class BackupRunner(
    RunStore runs,
    RunCancellation cancellation,
    BackupPlanner planner,
    BackupTargetResolver targets,
    Leases leases,
    AuditLog audit,
    TimeProvider time,
    IOptionsMonitor<BackupsOptions> options,
    BackupPruner pruner,
    BackupWebhook webhook,
    IOptionsMonitor<RetentionOptions> retention,
    ConsoleMetrics metrics,
    ILogger<BackupRunner> logger)
{
    public const string Kind = "backup";

    /// <param name="forRestore">
    /// A restore's safety backup: the restore already holds the stores' leases, and names that
    /// exist (kobo's names have one-minute resolution) move to the next free minute instead of failing.
    /// </param>
    public async Task RunAsync(string runId, CancellationToken jobToken, bool forRestore = false)
    {
        var run = await runs.GetAsync(runId, jobToken) ?? throw new InvalidOperationException($"Backup run {runId} does not exist.");
        if (RunStates.IsFinished(run.State))
        {
            return;
        }

        if (run.State == RunStates.Running)
        {
            // Hangfire redelivered the job of a console that died: RunRecovery fails that run
            // (never resumed; see docs/decisions/0009-interrupted-runs.md).
            Log.RunAlreadyStarted(logger, runId);
            return;
        }

        var request = StartBackupRequest.Of(run.Request);
        var stores = request.Stores ?? BackupStores.All;
        var targetKind = request.Target ?? BackupTargets.Disk;
        using var handle = cancellation.Register(runId, jobToken);
        using var watch = new CancellationTokenSource();
        var watcher = WatchCancelFlagAsync(runId, handle, watch.Token);
        var ct = handle.Token;
        var started = time.GetUtcNow();
        await runs.StartAsync(runId, CancellationToken.None);
        var storeList = string.Join(", ", stores);
        Log.RunStarted(logger, runId, storeList, targetKind);
        string state;
        string? error = null;
        try
        {
            if (run.CancelRequested)
            {
                handle.Cancel();
            }

            ct.ThrowIfCancellationRequested();
            var target = await targets.GetForWritingAsync(targetKind, ct);
            using var disposeTarget = target as IDisposable;
            var plan = await planner.PlanAsync(stores, started, ct);
            if (forRestore)
            {
                plan = await FreeNamesAsync(plan, stores, target, started, ct);
            }

            var failures = await RunItemsAsync(runId, plan, target, started, forRestore, ct);
            state = ct.IsCancellationRequested ? RunStates.Cancelled : failures == 0 ? RunStates.Succeeded : RunStates.Failed;
            error = state == RunStates.Failed ? $"{failures} item(s) failed; see each item's reason." : null;
            if (state == RunStates.Succeeded && retention.CurrentValue.Enabled)
            {
                await PruneAsync(runId, target, stores, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            state = RunStates.Cancelled;
        }
        catch (Exception ex) when (ex is BackupItemException or DockerException or IOException or UnauthorizedAccessException)
        {
            state = RunStates.Failed;
            error = ex.Message;
        }
        finally
        {
            await watch.CancelAsync();
            await watcher;
        }

        if (state == RunStates.Cancelled)
        {
            error = "cancelled before it finished; no incomplete file was kept.";
            await runs.LogAsync(runId, "Run cancelled.", CancellationToken.None);
        }

        await runs.FinishAsync(runId, state, error, CancellationToken.None);
        metrics.BackupRunFinished(state, targetKind, time.GetUtcNow() - started);
        await audit.WriteAsync(run.Actor, "backup.run", $"backup run {runId} ({storeList} to {targetKind})", state, error,
            time.GetUtcNow() - started, CancellationToken.None);
        Log.RunEnded(logger, runId, state);
        await webhook.NotifyAsync(runId, CancellationToken.None);
    }

    private async Task<int> RunItemsAsync(string runId, BackupPlan plan, IBackupTarget target, DateTimeOffset at, bool leasesHeld, CancellationToken ct)
    {
        var failures = 0;
        foreach (var problem in plan.Problems)
        {
            var seq = await runs.AddItemAsync(runId, problem.Store, problem.Store, ct);
            await runs.UpdateItemAsync(runId, seq, RunStates.Failed, 0, null, null, problem.Reason, ct);
            await runs.LogAsync(runId, $"{problem.Store}: {problem.Reason}", ct);
            metrics.BackupItemFailed(problem.Store, target.Kind);
            failures++;
        }

        var seqs = new List<int>();
        foreach (var item in plan.Items)
        {
            seqs.Add(await runs.AddItemAsync(runId, item.Store, item.FileName, ct));
        }

        var done = new List<ManifestItem>();
        for (var i = 0; i < plan.Items.Count; i++)
        {
            if (ct.IsCancellationRequested)
            {
                await runs.UpdateItemAsync(runId, seqs[i], RunStates.Cancelled, 0, null, null, "the run was cancelled before this item started.", CancellationToken.None);
                continue;
            }

            var result = leasesHeld
                ? await RunItemAsync(runId, seqs[i], plan.Items[i], target, ct)
                : await RunItemWithLeaseAsync(runId, seqs[i], plan.Items[i], target, ct);
            if (result is null)
            {
                failures += ct.IsCancellationRequested ? 0 : 1;
            }
            else
            {
                done.Add(result);
            }
        }

        if (done.Count > 0)
        {
            await WriteManifestAsync(runId, plan, target, at, done, CancellationToken.None);
        }

        return failures;
    }

    private async Task WriteManifestAsync(string runId, BackupPlan plan, IBackupTarget target, DateTimeOffset at, List<ManifestItem> done, CancellationToken ct)
    {
        var manifest = new BackupManifest(runId, BackupManifest.ConsoleVersionNow, plan.Domain, target.Kind, at, time.GetUtcNow(), done);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest, BackupManifest.Json);
        await using var upload = await target.OpenAsync(BackupManifest.Folder, BackupManifest.FileName(at, runId), ct);
        await upload.Stream.WriteAsync(bytes, ct);
        var key = await upload.CompleteAsync(bytes.Length, ct);
        await runs.LogAsync(runId, $"Manifest written: {key}", ct);
    }

    /// <summary>Only after a successful run; the retention plan itself refuses when recent runs failed.</summary>
    private async Task PruneAsync(string runId, IBackupTarget target, IReadOnlyList<string> stores, CancellationToken ct)
    {
        var plan = await pruner.PruneAsync(target, stores, ct);
        foreach (var deleted in plan.Delete)
        {
            await runs.LogAsync(runId, $"Retention: deleted {deleted.Name}.", ct);
        }

        foreach (var reason in plan.Blocked)
        {
            await runs.LogAsync(runId, $"Retention: {reason}", ct);
        }
    }

    private async Task WatchCancelFlagAsync(string runId, RunCancellation.Handle handle, CancellationToken stop)
    {
        // Another console instance may have taken the cancel request: poll the flag.
        try
        {
            while (!stop.IsCancellationRequested && !handle.Token.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stop);
                if (await runs.IsCancelRequestedAsync(runId, stop))
                {
                    handle.Cancel();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
    }
}
