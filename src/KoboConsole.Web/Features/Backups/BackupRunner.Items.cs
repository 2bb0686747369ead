using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Backups;

// One item: lease, stream, verify, commit; at most one automatic rerun.
public sealed partial class BackupRunner
{
    private async Task<ManifestItem?> RunItemWithLeaseAsync(RunScope scope, int seq, BackupItemPlan item, IBackupTarget target)
    {
        var wait = await scope.WaitForLeaseAsync(BackupLeases.Of(item.Store), $"run {scope.RunId}",
            // Backing up a store while a restore replaces it would save a half-restored state.
            refuse: holder => holder?.Holder.StartsWith(BackupLeases.RestorePrefix, StringComparison.Ordinal) == true,
            waiting: holder => $"{item.FileName}: waiting for another {item.Store} backup ({holder?.Holder ?? "just ended"}).",
            scope.Token);
        if (wait.Lease is not { } lease)
        {
            var reason = $"a restore ({wait.RefusedBy?.Holder}) is replacing the {item.Store} data; back up again after it finishes.";
            await scope.Items.FailedAsync(seq, reason);
            await scope.LogAsync($"{item.FileName}: refused: {reason}", CancellationToken.None);
            return null;
        }

        try
        {
            return await RunItemAsync(scope, seq, item, target);
        }
        finally
        {
            await scope.ReleaseAsync(lease);
        }
    }

    private async Task<ManifestItem?> RunItemAsync(RunScope scope, int seq, BackupItemPlan item, IBackupTarget target)
    {
        var ct = scope.Token;
        var attempts = 1 + options.CurrentValue.ItemRetries;
        string? firstReason = null;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            var started = time.GetUtcNow();
            await scope.Items.StartedAsync(seq, ct);
            await scope.LogAsync($"{item.FileName}: started from {item.Source.ContainerName} on {item.Source.Host}{(item.Source.Role is { } role ? $" ({role})" : "")}.", ct);
            try
            {
                return await StreamItemAsync(scope, seq, item, target, started);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await scope.Items.CancelledAsync(seq, "cancelled; the incomplete file was removed.");
                await scope.LogAsync($"{item.FileName}: cancelled, incomplete file removed.", CancellationToken.None);
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
                    await scope.LogAsync($"{item.FileName}: failed ({reason}); rerunning once.", ct);
                    firstReason ??= reason;
                    continue;
                }

                // The first failure is usually the cause (a killed container); the rerun's error
                // (the container is gone) alone would hide it.
                if (firstReason is not null && firstReason != reason)
                {
                    reason = $"first attempt: {firstReason}; rerun: {reason}";
                }

                await scope.Items.FailedAsync(seq, reason);
                metrics.BackupItemFailed(item.Store, target.Kind);
                await scope.LogAsync($"{item.FileName}: failed: {reason}", CancellationToken.None);
                return null;
            }
        }

        return null;
    }

    private async Task<ManifestItem> StreamItemAsync(RunScope scope, int seq, BackupItemPlan item, IBackupTarget target, DateTimeOffset started)
    {
        var ct = scope.Token;
        await using var upload = await target.OpenAsync(item.Folder, item.FileName, ct);
        await scope.Items.PendingAsync(seq, upload.Pending, ct);
        await using var hashing = new HashingStream(upload.Stream, (bytes, c) => scope.Items.ProgressAsync(seq, bytes, c));
        var facts = await item.ProduceAsync(hashing, ct);
        await hashing.FlushAsync(ct);
        if (FormatCheck.Problem(item.Store, hashing.Head, hashing.Tail, hashing.BytesWritten) is { } problem)
        {
            throw new BackupItemException(problem);
        }

        var key = await upload.CompleteAsync(hashing.BytesWritten, ct);
        var sha = hashing.Sha256;
        await scope.Items.SucceededAsync(seq, hashing.BytesWritten, sha, BackupIds.Of(target.Kind, key));
        await scope.LogAsync($"{item.FileName}: {hashing.BytesWritten} bytes, sha256 {sha[..12]}…, stored as {key}.", CancellationToken.None);
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
