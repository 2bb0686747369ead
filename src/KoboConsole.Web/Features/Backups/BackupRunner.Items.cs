using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.Docker;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Backups;

// One item: lease, stream, verify, commit; at most one automatic rerun.
public sealed partial class BackupRunner
{
    private static readonly TimeSpan LeaseTtl = TimeSpan.FromMinutes(2);

    private async Task<ManifestItem?> RunItemWithLeaseAsync(string runId, int seq, BackupItemPlan item, IBackupTarget target, CancellationToken ct)
    {
        var leaseName = BackupLeases.Of(item.Store);
        Lease? lease;
        var waiting = false;
        while ((lease = await leases.TryAcquireAsync(leaseName, $"run {runId}", LeaseTtl, ct)) is null)
        {
            var holder = await leases.GetHolderAsync(leaseName, ct);
            if (holder?.Holder.StartsWith(BackupLeases.RestorePrefix, StringComparison.Ordinal) == true)
            {
                // Backing up a store while a restore replaces it would save a half-restored state.
                var reason = $"a restore ({holder.Holder}) is replacing the {item.Store} data; back up again after it finishes.";
                await runs.UpdateItemAsync(runId, seq, RunStates.Failed, 0, null, null, reason, CancellationToken.None);
                await runs.LogAsync(runId, $"{item.FileName}: refused: {reason}", CancellationToken.None);
                return null;
            }

            if (!waiting)
            {
                await runs.LogAsync(runId, $"{item.FileName}: waiting for another {item.Store} backup ({holder?.Holder ?? "just ended"}).", ct);
                waiting = true;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }

        await using var held = lease;
        using var renew = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var renewer = RenewAsync(held, renew.Token);
        try
        {
            return await RunItemAsync(runId, seq, item, target, ct);
        }
        finally
        {
            await renew.CancelAsync();
            await renewer;
        }
    }

    private static async Task RenewAsync(Lease lease, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(LeaseTtl / 3, stop);
                await lease.RenewAsync(LeaseTtl, stop);
            }
        }
        catch (OperationCanceledException)
        {
            // The item ended.
        }
    }

    private async Task<ManifestItem?> RunItemAsync(string runId, int seq, BackupItemPlan item, IBackupTarget target, CancellationToken ct)
    {
        var attempts = 1 + options.CurrentValue.ItemRetries;
        string? firstReason = null;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            var started = time.GetUtcNow();
            await runs.UpdateItemAsync(runId, seq, RunStates.Running, 0, null, null, null, ct);
            await runs.LogAsync(runId, $"{item.FileName}: started from {item.Source.ContainerName} on {item.Source.Host}.", ct);
            try
            {
                return await StreamItemAsync(runId, seq, item, target, started, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await runs.UpdateItemAsync(runId, seq, RunStates.Cancelled, 0, null, null, "cancelled; the incomplete file was removed.", CancellationToken.None);
                await runs.LogAsync(runId, $"{item.FileName}: cancelled, incomplete file removed.", CancellationToken.None);
                return null;
            }
            catch (Exception ex) when (ex is BackupItemException or DockerException or IOException or UnauthorizedAccessException)
            {
                var reason = ex is IOException or UnauthorizedAccessException
                    ? $"writing to the {target.Kind} target failed: {ex.Message} Free space or fix permissions, then back up again."
                    : ex.Message;
                Log.ItemFailed(logger, item.FileName, attempt, reason);
                // A full disk or a refused directory will not fix itself in a second attempt.
                if (attempt < attempts && ex is not (IOException or UnauthorizedAccessException))
                {
                    await runs.LogAsync(runId, $"{item.FileName}: failed ({reason}); rerunning once.", ct);
                    firstReason ??= reason;
                    continue;
                }

                // The first failure is usually the cause (a killed container); the rerun's error
                // (the container is gone) alone would hide it.
                if (firstReason is not null && firstReason != reason)
                {
                    reason = $"first attempt: {firstReason}; rerun: {reason}";
                }

                await runs.UpdateItemAsync(runId, seq, RunStates.Failed, 0, null, null, reason, CancellationToken.None);
                metrics.BackupItemFailed(item.Store, target.Kind);
                await runs.LogAsync(runId, $"{item.FileName}: failed: {reason}", CancellationToken.None);
                return null;
            }
        }

        return null;
    }

    private async Task<ManifestItem> StreamItemAsync(string runId, int seq, BackupItemPlan item, IBackupTarget target, DateTimeOffset started, CancellationToken ct)
    {
        await using var upload = await target.OpenAsync(item.Folder, item.FileName, ct);
        await runs.SetItemPendingAsync(runId, seq, upload.Pending, ct);
        await using var hashing = new HashingStream(upload.Stream,
            (bytes, c) => runs.UpdateItemAsync(runId, seq, RunStates.Running, bytes, null, null, null, c));
        var facts = await item.ProduceAsync(hashing, ct);
        await hashing.FlushAsync(ct);
        if (FormatCheck.Problem(item.Store, hashing.Head, hashing.Tail, hashing.BytesWritten) is { } problem)
        {
            throw new BackupItemException(problem);
        }

        var key = await upload.CompleteAsync(hashing.BytesWritten, ct);
        var sha = hashing.Sha256;
        await runs.UpdateItemAsync(runId, seq, RunStates.Succeeded, hashing.BytesWritten, sha, BackupIds.Of(target.Kind, key), null, CancellationToken.None);
        await runs.LogAsync(runId, $"{item.FileName}: {hashing.BytesWritten} bytes, sha256 {sha[..12]}…, stored as {key}.", CancellationToken.None);
        Log.ItemDone(logger, key, hashing.BytesWritten, sha);
        metrics.BackupItemSucceeded(item.Store, target.Kind, time.GetUtcNow() - started, hashing.BytesWritten);
        return new ManifestItem(item.Store, key, item.Database, item.Version, hashing.BytesWritten, sha, item.Source.Host, item.Source.ContainerName,
            item.Source.Image, started, time.GetUtcNow(), facts.RowCounts, facts.Note, facts.KeyCount, facts.FileCount, facts.ContentBytes);
    }

    /// <summary>A restore's safety backup right after a backup would reuse its names: move to the next free minute (at most 5).</summary>
    private async Task<BackupPlan> FreeNamesAsync(BackupPlan plan, IReadOnlyList<string> stores, IBackupTarget target, DateTimeOffset started, CancellationToken ct)
    {
        var existing = (await target.ListAsync(ct)).Select(f => f.FileName).ToHashSet(StringComparer.Ordinal);
        for (var minutes = 1; minutes <= 5 && plan.Items.Any(i => existing.Contains(i.FileName)); minutes++)
        {
            plan = await planner.PlanAsync(stores, started.AddMinutes(minutes), ct);
        }

        return plan;
    }
}
