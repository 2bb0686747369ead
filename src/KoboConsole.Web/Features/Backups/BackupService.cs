using System.Text.Json;
using Hangfire;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Backups;

/// <summary>Starts backup runs for the page and the API: validates, records the run, queues the job, audits.</summary>
public sealed class BackupService(RunStore runs, IBackgroundJobClient jobs, AuditLog audit, Leases leases, TimeProvider time)
{
    /// <summary>Field errors (empty when the request is valid); target 's3' needs a configured bucket.</summary>
    public static Dictionary<string, string[]> Validate(StartBackupRequest request, bool s3Configured)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Stores is null || request.Stores.Count == 0)
        {
            errors["stores"] = [$"is required: one or more of {string.Join(", ", BackupStores.All)}."];
        }
        else if (request.Stores.FirstOrDefault(s => !BackupStores.All.Contains(s)) is { } unknown)
        {
            // The value is echoed cut: a request may carry megabytes.
            errors["stores"] = [$"'{(unknown.Length > 64 ? unknown[..64] + "…" : unknown)}' is not a store; use {string.Join(", ", BackupStores.All)}."];
        }

        if (request.Target is null || !BackupTargets.All.Contains(request.Target))
        {
            errors["target"] = [$"is required: {string.Join(" or ", BackupTargets.All)}."];
        }
        else if (request.Target == BackupTargets.S3 && !s3Configured)
        {
            errors["target"] = [BackupTargetResolver.NoBucket];
        }

        return errors;
    }

    /// <exception cref="BackupItemException">
    /// A restore holds one of the stores, or a backup of one of them to the same target is queued,
    /// running or was started this minute (the API answers 409).
    /// </exception>
    public async Task<string> StartAsync(StartBackupRequest request, string actor, CancellationToken cancellationToken)
    {
        var stores = BackupStores.All.Where(s => request.Stores!.Contains(s)).ToList();
        foreach (var store in stores)
        {
            if (await leases.GetHolderAsync(BackupLeases.Of(store), cancellationToken) is { } holder && holder.Holder.StartsWith(BackupLeases.RestorePrefix, StringComparison.Ordinal))
            {
                var message = $"A restore ({holder.Holder}) is replacing the {store} data; back up after it finishes.";
                await audit.WriteAsync(actor, "backup.start", "backup", "refused", message, cancellationToken: cancellationToken);
                throw new BackupItemException(message);
            }
        }

        if (await SameNameProblemAsync(stores, request.Target!, cancellationToken) is { } clash)
        {
            await audit.WriteAsync(actor, "backup.start", "backup", "refused", clash, cancellationToken: cancellationToken);
            throw new BackupItemException(clash);
        }

        var normalized = new StartBackupRequest(stores, request.Target);
        var runId = await runs.CreateAsync(BackupRunner.Kind, actor, JsonSerializer.Serialize(normalized, BackupManifest.Json), cancellationToken);
        jobs.Enqueue<BackupJob>(j => j.RunAsync(runId, CancellationToken.None));
        await audit.WriteAsync(actor, "backup.start", $"backup run {runId}", "queued", $"stores {string.Join(", ", stores)} to {request.Target}",
            cancellationToken: cancellationToken);
        return runId;
    }

    /// <summary>
    /// Why a backup of these stores cannot start now without failing later, or null. kobo's names
    /// have one-minute resolution (<c>%Y.%m.%d.%H_%M</c>), so a second run in the same minute
    /// would wait for the first and then fail on "already exists"; refusing at once says why.
    /// </summary>
    private async Task<string?> SameNameProblemAsync(IReadOnlyList<string> stores, string target, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var minute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        foreach (var run in await runs.ListAsync(BackupRunner.Kind, 50, cancellationToken))
        {
            var other = StartBackupRequest.Of(run.Request);
            var shared = stores.Where(s => (other.Stores ?? BackupStores.All).Contains(s)).ToList();
            if (shared.Count == 0 || (other.Target ?? BackupTargets.Disk) != target)
            {
                continue;
            }

            var what = string.Join(", ", shared);
            var at = run.StartedAt ?? run.CreatedAt;
            if (at < minute)
            {
                continue;
            }

            if (run.State is RunStates.Queued or RunStates.Running)
            {
                return $"A backup of {what} to {target} is already {run.State} (run {run.Id}), and kobo's backup names have one-minute resolution; "
                    + $"start another after it finishes, from {Clock(minute.AddMinutes(1))} UTC.";
            }

            // A finished run clashes only where it left a file (a failed item left none).
            if (run.Items.Where(i => i.State == RunStates.Succeeded && shared.Contains(i.Store)).Select(i => i.Store).Distinct().ToList() is { Count: > 0 } made)
            {
                return $"{string.Join(", ", made)} was backed up to {target} at {Clock(at)} UTC (run {run.Id}), and kobo's backup names have one-minute resolution; "
                    + $"start the next backup from {Clock(minute.AddMinutes(1))} UTC.";
            }
        }

        return null;
    }

    private static string Clock(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}
