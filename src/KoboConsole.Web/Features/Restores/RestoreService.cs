using System.Text.Json;
using Hangfire;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Restores;

/// <summary>
/// Starts restores for the API (and the wizard): validates the request and the typed confirmation,
/// refuses while another restore runs, records the run, queues the job, audits. The slow checks
/// (hashes) run as the run's first step, before anything is touched.
/// </summary>
public sealed class RestoreService(RunStore runs, IBackgroundJobClient jobs, AuditLog audit, Leases leases, RestorePreflight preflight,
    RestoreSources sources, RestoreContainers containers, RestoreLedger ledger)
{
    public const int MinReasonLength = 10;

    /// <summary>Field errors of the request's shape (empty when it is well formed).</summary>
    public static Dictionary<string, string[]> Validate(StartRestoreRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (BackupIdsProblem(request.BackupIds) is { } problem)
        {
            errors["backupIds"] = [problem];
        }

        if (string.IsNullOrWhiteSpace(request.Confirm))
        {
            errors["confirm"] = ["is required: type the kobo public domain (the pre-flight shows it) to confirm the restore."];
        }

        if (request.SafetyBackup == false && (request.SkipSafetyReason?.Trim().Length ?? 0) < MinReasonLength)
        {
            errors["skipSafetyReason"] = [$"is required when safetyBackup is false: say why, in at least {MinReasonLength} characters (it goes into the audit)."];
        }

        return errors;
    }

    /// <summary>
    /// Why a list of backup ids is not well formed (never echoing what was sent), or null. A backup
    /// named twice is refused here, before the pre-flight would hash the same file again per copy.
    /// </summary>
    public static string? BackupIdsProblem(IReadOnlyList<string>? ids) =>
        ids is null || ids.Count == 0 ? "is required: one or more backup ids from GET /api/v1/backups."
        : ids.Any(id => !BackupIds.IsWellFormed(id)) ? "holds something that is not a backup id (20 lower-case hex digits); take the ids from GET /api/v1/backups."
        : ids.Distinct(StringComparer.Ordinal).Count() != ids.Count ? "names a backup twice; list each backup id once."
        : null;

    /// <summary>The same checks the run starts with, for the wizard's plan; nothing is touched.</summary>
    public Task<RestorePlan> PreflightAsync(PreflightRequest request, CancellationToken cancellationToken) =>
        preflight.CheckAsync(request.BackupIds ?? [], request.SafetyBackup != false, request.AcceptUnverified == true, request.AcceptReplication == true, null, (_, _) => Task.CompletedTask, cancellationToken);

    /// <exception cref="RestoreRefusedException">Unknown backups, a wrong confirmation, kobo-made backups without acceptUnverified (422) or a restore running (409).</exception>
    public async Task<string> StartAsync(StartRestoreRequest request, string actor, CancellationToken cancellationToken)
    {
        if (await leases.GetHolderAsync(RestorePreflight.RestoreLease, cancellationToken) is { } holder)
        {
            await RefuseAsync(actor, $"another restore runs ({holder.Holder}); only one restore runs at a time.", null, true, cancellationToken);
        }

        var ids = request.BackupIds!;
        var (found, missing, opened) = await sources.ResolveAsync(ids, cancellationToken);
        foreach (var t in opened)
        {
            (t as IDisposable)?.Dispose();
        }

        var errors = new Dictionary<string, string[]>();
        if (missing.Count > 0)
        {
            errors["backupIds"] = [$"cannot be restored: {string.Join("; ", missing)}. List backups with GET /api/v1/backups."];
        }
        else if (found.Where(f => !f.Item.Verified).Select(f => f.Item.Entry.Name).ToList() is { Count: > 0 } unverified && request.AcceptUnverified != true)
        {
            errors["acceptUnverified"] = [$"{string.Join(", ", unverified)} made by kobo's own scripts: no manifest, so no hash to check. Send \"acceptUnverified\": true to restore anyway."];
        }

        if (found.Any(f => f.Item.Store == BackupStores.Postgres) && request.AcceptReplication != true)
        {
            var snapshot = await containers.DiscoverAsync(cancellationToken);
            var choice = await containers.PostgresAsync(snapshot, cancellationToken);
            if (ReplicationNotice.Affected(choice, found.Select(f => f.Item)) is { Count: > 0 } secondaries)
            {
                errors["acceptReplication"] = [$"{ReplicationNotice.Explain(choice, secondaries)} {ReplicationNotice.Ask}"];
            }
        }

        var phrase = await ConfirmPhraseAsync(cancellationToken);
        if (request.Confirm is { } typed && !string.Equals(typed.Trim(), phrase, StringComparison.OrdinalIgnoreCase))
        {
            errors["confirm"] = [$"does not match: type this install's kobo public domain, {phrase}."];
        }

        if (errors.Count > 0)
        {
            await RefuseAsync(actor, string.Join(" ", errors.Select(e => $"{e.Key} {string.Join(" ", e.Value)}")), errors, false, cancellationToken);
        }

        var normalized = request with { Confirm = request.Confirm!.Trim(), SafetyBackup = request.SafetyBackup ?? true };
        var runId = await runs.CreateAsync(RestoreRunner.Kind, actor, JsonSerializer.Serialize(normalized, BackupManifest.Json), cancellationToken);
        var names = string.Join(", ", found.Select(f => f.Item.Entry.Name));
        await audit.WriteAsync(actor, "restore.start", $"restore run {runId}", "queued",
            $"backups {names}; safety backup {(normalized.SafetyBackup == false ? "SKIPPED: " + normalized.SkipSafetyReason!.Trim() : "on")}"
            + (request.AcceptUnverified == true ? "; unverified kobo-made backups accepted" : "")
            + (request.AcceptReplication == true ? "; a running PostgreSQL secondary follows the restore (acknowledged)" : ""), cancellationToken: cancellationToken);
        jobs.Enqueue<RestoreJob>(j => j.RunAsync(runId, CancellationToken.None));
        return runId;
    }

    /// <summary>Where a restore stopped, its safety backup, and the rollback request.</summary>
    public async Task<RestoreResultResponse?> ResultAsync(string runId, CancellationToken cancellationToken)
    {
        var run = await runs.GetAsync(runId, cancellationToken);
        if (run is null || run.Kind != RestoreRunner.Kind)
        {
            return null;
        }

        var record = await ledger.GetAsync(runId, cancellationToken);
        var ids = record?.SafetyBackupIds ?? [];
        var rollback = ids.Count > 0 && run.State is RunStates.Failed or RunStates.Cancelled
            ? new StartRestoreRequest(ids, await ConfirmPhraseAsync(cancellationToken), true)
            : null;
        return new RestoreResultResponse(runId, run.State, record?.FailedStep, run.Error, record is { Pending: true, MaintenanceByUs: true },
            record is { Pending: true } ? record.StoppedWriters.Select(w => w.Name).ToList() : [], record?.SafetyRunId, ids, rollback,
            record?.Steps ?? [], record?.Steps?.Any(t => t.InMaintenance) == true ? Math.Round(record.Steps.Where(t => t.InMaintenance).Sum(t => t.Seconds), 3) : null);
    }

    public async Task<string> ConfirmPhraseAsync(CancellationToken cancellationToken)
    {
        var snapshot = await containers.DiscoverAsync(cancellationToken);
        return await containers.PublicDomainAsync(snapshot, cancellationToken) ?? await containers.BackendHostNameAsync(snapshot, cancellationToken) ?? "kobo";
    }

    private async Task RefuseAsync(string actor, string message, IDictionary<string, string[]>? errors, bool conflict, CancellationToken cancellationToken)
    {
        await audit.WriteAsync(actor, "restore.start", "restore", "refused", message, cancellationToken: cancellationToken);
        throw new RestoreRefusedException(message, errors, conflict);
    }
}
