using System.Text.Json;
using Hangfire;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Backups;

/// <summary>Starts backup runs for the page and the API: validates, records the run, queues the job, audits.</summary>
public sealed class BackupService(RunStore runs, IBackgroundJobClient jobs, AuditLog audit, Leases leases)
{
    /// <summary>Field errors (empty when the request is valid).</summary>
    public static Dictionary<string, string[]> Validate(StartBackupRequest request)
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

        return errors;
    }

    /// <exception cref="BackupItemException">A restore holds one of the stores (the API answers 409).</exception>
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

        var normalized = new StartBackupRequest(stores, request.Target);
        var runId = await runs.CreateAsync(BackupRunner.Kind, actor, JsonSerializer.Serialize(normalized, BackupManifest.Json), cancellationToken);
        jobs.Enqueue<BackupJob>(j => j.RunAsync(runId, CancellationToken.None));
        await audit.WriteAsync(actor, "backup.start", $"backup run {runId}", "queued", $"stores {string.Join(", ", stores)} to {request.Target}",
            cancellationToken: cancellationToken);
        return runId;
    }
}
