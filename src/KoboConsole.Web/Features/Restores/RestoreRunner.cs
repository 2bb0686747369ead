using System.Text.Json;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Maintenance;
using KoboConsole.Web.Features.Restores.Stores;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.Docker;
using KoboConsole.Web.Infrastructure.Metrics;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Restores;

/// <summary>
/// One restore run, step by step (<see cref="RestoreSteps"/>): pre-flight, maintenance on, stop
/// the writers, safety backup, restore, verify, start the writers, health gate, maintenance off.
/// A failure stops there and leaves maintenance on and the writers stopped, with the safety
/// backup named in the run's error and in <c>GET /api/v1/restores/{runId}</c> for the rollback.
/// Never retried: a run that is not queued any more is never executed again.
/// </summary>
public sealed partial class RestoreRunner(
    RunStore runs,
    RunScopes scopes,
    RestorePreflight preflight,
    RestoreSources sources,
    RestoreContainers containers,
    RestoreLedger ledger,
    MaintenanceService maintenance,
    BackupRunner backups,
    HealthGate health,
    Leases leases,
    ConsoleMetrics metrics,
    IDockerHosts hosts,
    IOptionsMonitor<RestoresOptions> options,
    TimeProvider time,
    ILogger<RestoreRunner> logger)
{
    public const string Kind = "restore";

    public static string HolderOf(string? runId) => BackupLeases.RestorePrefix + runId;

    public async Task RunAsync(string runId, CancellationToken jobToken)
    {
        var run = await runs.GetAsync(runId, jobToken) ?? throw new InvalidOperationException($"Restore run {runId} does not exist.");
        if (run.State != RunStates.Queued)
        {
            if (run.State == RunStates.Running)
            {
                // The console stopped under this run; a restore is never started a second time.
                await runs.FinishAsync(runId, RunStates.Failed, "the console stopped while this restore ran; it is never retried automatically. "
                    + "Check maintenance and the writers (GET /api/v1/restores/" + runId + "), then restore again or roll back.", CancellationToken.None);
            }

            return;
        }

        var request = JsonSerializer.Deserialize<StartRestoreRequest>(run.Request ?? "{}", BackupManifest.Json) ?? new StartRestoreRequest(null, null);
        await using var scope = await scopes.BeginAsync(run, jobToken);
        var backupIds = string.Join(", ", request.BackupIds ?? []);
        Log.RunStarted(logger, runId, backupIds);
        var state = new RunContext(scope, request);
        string outcome;
        string? error = null;
        try
        {
            await StepAsync(state, RestoreSteps.Preflight, () => PreflightAsync(state));
            await StepAsync(state, RestoreSteps.MaintenanceOn, () => MaintenanceOnAsync(state));
            await StepAsync(state, RestoreSteps.StopWriters, () => StopWritersAsync(state));
            await StepAsync(state, RestoreSteps.SafetyBackup, () => SafetyBackupAsync(state));
            await StepAsync(state, RestoreSteps.Restore, () => RestoreItemsAsync(state));
            await StepAsync(state, RestoreSteps.Verify, () => VerifyItemsAsync(state));
            await StepAsync(state, RestoreSteps.StartWriters, () => StartWritersAsync(state));
            await StepAsync(state, RestoreSteps.HealthGate, () => HealthGateAsync(state));
            await StepAsync(state, RestoreSteps.MaintenanceOff, () => MaintenanceOffAsync(state));
            outcome = RunStates.Succeeded;
            await ledger.ClearPendingAsync(state.Inherited.Select(r => r.RunId), CancellationToken.None);
            await SaveAsync(state, failedStep: null, pending: false);
        }
        catch (StepFailedException ex)
        {
            outcome = scope.Token.IsCancellationRequested ? RunStates.Cancelled : RunStates.Failed;
            error = await FailureReportAsync(state, ex);
        }

        scope.OnEnded(o =>
        {
            metrics.RestoreRunFinished(o.State, o.Duration);
            Log.RunEnded(logger, runId, o.State, state.FailedStep ?? "");
            return Task.CompletedTask;
        });
        var what = $"restore run {runId} ({string.Join(", ", state.Plan?.Items.Select(i => i.Entry.Name) ?? request.BackupIds ?? [])})";
        await scope.EndAsync(outcome, error, what, error ?? "all steps succeeded");
    }

    private async Task StepAsync(RunContext state, string step, Func<Task> action)
    {
        await state.Scope.StepAsync(step, CancellationToken.None);
        await state.Scope.LogAsync($"▶ {step}", CancellationToken.None);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var maintenanceBefore = state.MaintenanceByUs;
        try
        {
            state.Token.ThrowIfCancellationRequested();
            await action();
            await TimedAsync(state, step, watch.Elapsed, maintenanceBefore || state.MaintenanceByUs, failed: false);
        }
        catch (Exception ex)
        {
            // Whatever went wrong, the run must end in the safe, explained state: never left "running".
            if (ex is not (RestoreStepException or DockerException or MaintenanceRefusedException or MaintenanceSwitchException
                or BackupItemException or IOException or UnauthorizedAccessException or OperationCanceledException))
            {
                Log.UnexpectedFailure(logger, state.RunId, step, ex);
            }

            state.FailedStep = step;
            await TimedAsync(state, step, watch.Elapsed, maintenanceBefore || state.MaintenanceByUs, failed: true);
            var reason = ex is OperationCanceledException ? "the run was cancelled." : ex.Message;
            await state.Scope.LogAsync($"✖ {step} failed: {reason}", CancellationToken.None);
            throw new StepFailedException(step, reason, ex);
        }
    }

    private async Task<string> FailureReportAsync(RunContext state, StepFailedException ex)
    {
        var stopped = state.Stopped.Count > 0 || state.Inherited.Any(r => r.StoppedWriters.Count > 0);
        var touched = state.MaintenanceByUs || stopped || state.Inherited.Count > 0;
        await SaveAsync(state, ex.Step, pending: touched);
        var how = state.Token.IsCancellationRequested ? "cancelled" : "failed";
        var parts = new List<string> { $"{how} at step '{ex.Step}': {ex.Reason}" };
        if (!touched)
        {
            parts.Add("Nothing was changed: maintenance and the writers are as they were.");
        }
        else
        {
            parts.Add(stopped
                ? "Maintenance is left ON and the writers stay stopped, so nobody writes into a half-restored install."
                : "Maintenance is left ON (the writers were started again).");
            parts.Add(state.SafetyBackupIds.Count > 0
                ? $"Roll back to the safety backup (run {state.SafetyRunId}): POST /api/v1/restores with backupIds [{string.Join(", ", state.SafetyBackupIds)}]; GET /api/v1/restores/{state.RunId} has the request."
                : "No safety backup was made (it failed or was skipped).");
        }

        foreach (var pending in state.Items.Where(i => i.Seq > 0 && !i.Done))
        {
            await state.Scope.Items.FailedAsync(pending.Seq, pending.Error ?? $"not restored: the run stopped at step '{ex.Step}'.",
                pending.Bytes, pending.Item.Entry.Id);
        }

        return string.Join(" ", parts);
    }

    private Task SaveAsync(RunContext s, string? failedStep, bool pending) => ledger.SaveAsync(new RestoreRecord(s.RunId, failedStep, s.SafetyRunId, s.SafetyBackupIds,
        s.Stopped.Concat(s.Inherited.SelectMany(r => r.StoppedWriters)).DistinctBy(w => (w.Host, w.Id)).ToList(),
        s.MaintenanceByUs, pending, s.Steps), CancellationToken.None);

    /// <summary>Records and logs a step's time; after maintenance off, the downtime it added up to.</summary>
    private static async Task TimedAsync(RunContext s, string step, TimeSpan took, bool inMaintenance, bool failed)
    {
        s.Steps.Add(new StepTime(step, Math.Round(took.TotalSeconds, 3), inMaintenance));
        await s.Scope.LogAsync($"⏱ {step}: {took.TotalSeconds:0.0} s{(failed ? " until it failed" : "")}{(inMaintenance ? " (maintenance on)" : "")}", CancellationToken.None);
        if (step == RestoreSteps.MaintenanceOff && !failed && s.Steps.Any(t => t.Step == RestoreSteps.MaintenanceOn && t.InMaintenance))
        {
            var down = s.Steps.Where(t => t.InMaintenance).ToList();
            await s.Scope.LogAsync($"Downtime (maintenance on → off): {down.Sum(t => t.Seconds):0.0} s: "
                + string.Join(", ", down.Select(t => $"{t.Step} {t.Seconds:0.0} s")) + ".", CancellationToken.None);
        }
    }
}

/// <summary>A step failed; the run stops there.</summary>
internal sealed class StepFailedException(string step, string reason, Exception inner) : Exception($"{step}: {reason}", inner)
{
    public string Step { get; } = step;

    public string Reason { get; } = reason;
}
