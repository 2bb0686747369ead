using System.Text.Json;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.Docker;
using KoboConsole.Web.Infrastructure.Metrics;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Backups;

/// <summary>
/// Executes one backup run: plans the items, streams each to the target under a per-store
/// lease, writes the manifest last. Safe to call twice for the same run (a finished run is left
/// alone). Every failure ends as a failed item with its reason; nothing incomplete stays behind.
/// </summary>
public sealed partial class BackupRunner(
    RunStore runs,
    RunScopes scopes,
    BackupPlanner planner,
    BackupTargetResolver targets,
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
        await using var scope = await scopes.BeginAsync(run, jobToken);
        var ct = scope.Token;
        var storeList = string.Join(", ", stores);
        Log.RunStarted(logger, runId, storeList, targetKind);
        string state;
        string? error = null;
        try
        {
            ct.ThrowIfCancellationRequested();
            var target = await targets.GetForWritingAsync(targetKind, ct);
            using var disposeTarget = target as IDisposable;
            var plan = await planner.PlanAsync(stores, scope.StartedAt, ct);
            if (forRestore)
            {
                plan = await FreeNamesAsync(plan, stores, target, scope.StartedAt, ct);
            }

            var failures = await RunItemsAsync(scope, plan, target, forRestore);
            state = ct.IsCancellationRequested ? RunStates.Cancelled : failures == 0 ? RunStates.Succeeded : RunStates.Failed;
            error = state == RunStates.Failed ? $"{failures} item(s) failed; see each item's reason." : null;
            if (state == RunStates.Succeeded && retention.CurrentValue.Enabled)
            {
                await PruneAsync(scope, target, stores);
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

        if (state == RunStates.Cancelled)
        {
            error = "cancelled before it finished; no incomplete file was kept.";
            await scope.LogAsync("Run cancelled.", CancellationToken.None);
        }

        scope.OnEnded(o =>
        {
            metrics.BackupRunFinished(o.State, targetKind, o.Duration);
            Log.RunEnded(logger, runId, o.State);
            return Task.CompletedTask;
        });
        scope.OnEnded(_ => webhook.NotifyAsync(runId, CancellationToken.None));
        await scope.EndAsync(state, error, $"backup run {runId} ({storeList} to {targetKind})");
    }

    private async Task<int> RunItemsAsync(RunScope scope, BackupPlan plan, IBackupTarget target, bool leasesHeld)
    {
        var ct = scope.Token;
        var failures = 0;
        foreach (var problem in plan.Problems)
        {
            var seq = await scope.Items.AddAsync(problem.Store, problem.Store, ct);
            await scope.Items.FailedAsync(seq, problem.Reason);
            await scope.LogAsync($"{problem.Store}: {problem.Reason}", ct);
            metrics.BackupItemFailed(problem.Store, target.Kind);
            failures++;
        }

        var seqs = new List<int>();
        foreach (var item in plan.Items)
        {
            seqs.Add(await scope.Items.AddAsync(item.Store, item.FileName, ct));
        }

        var done = new List<ManifestItem>();
        for (var i = 0; i < plan.Items.Count; i++)
        {
            if (ct.IsCancellationRequested)
            {
                await scope.Items.CancelledAsync(seqs[i], "the run was cancelled before this item started.");
                continue;
            }

            var result = leasesHeld
                ? await RunItemAsync(scope, seqs[i], plan.Items[i], target)
                : await RunItemWithLeaseAsync(scope, seqs[i], plan.Items[i], target);
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
            await WriteManifestAsync(scope, plan, target, done, CancellationToken.None);
        }

        return failures;
    }

    private async Task WriteManifestAsync(RunScope scope, BackupPlan plan, IBackupTarget target, List<ManifestItem> done, CancellationToken ct)
    {
        var at = scope.StartedAt;
        var manifest = new BackupManifest(scope.RunId, BackupManifest.ConsoleVersionNow, plan.Domain, target.Kind, at, time.GetUtcNow(), done);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest, BackupManifest.Json);
        await using var upload = await target.OpenAsync(BackupManifest.Folder, BackupManifest.FileName(at, scope.RunId), ct);
        await upload.Stream.WriteAsync(bytes, ct);
        var key = await upload.CompleteAsync(bytes.Length, ct);
        await scope.LogAsync($"Manifest written: {key}", ct);
    }

    /// <summary>Only after a successful run; the retention plan itself refuses when recent runs failed.</summary>
    private async Task PruneAsync(RunScope scope, IBackupTarget target, IReadOnlyList<string> stores)
    {
        var ct = scope.Token;
        var plan = await pruner.PruneAsync(target, stores, ct);
        foreach (var deleted in plan.Delete)
        {
            await scope.LogAsync($"Retention: deleted {deleted.Name}.", ct);
        }

        foreach (var reason in plan.Blocked)
        {
            await scope.LogAsync($"Retention: {reason}", ct);
        }
    }
}
