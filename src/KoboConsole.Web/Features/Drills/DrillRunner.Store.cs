using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Restores.Stores;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Drills;

// One store's drill in its sandbox, and what its item says afterwards.
public sealed partial class DrillRunner
{
    private async Task<bool> DrillStoreAsync(RunScope scope, int seq, DrillPlan plan)
    {
        var (runId, ct) = (scope.RunId, scope.Token);
        var ids = string.Join(",", plan.Backups.Select(b => b.Id));
        var bytes = plan.Backups.Sum(b => b.SizeBytes);
        await scope.Items.StartedAsync(seq, ids, ct);
        await scope.StepAsync($"{plan.Store}: restoring into a throwaway container", ct);
        await scope.LogAsync($"{plan.Store}: drilling {string.Join(", ", plan.Backups.Select(b => $"{b.Name} ({b.Target})"))} "
            + $"in a throwaway container of {plan.Production.Image} (the image of {plan.Production.ContainerName} on {plan.Production.Host}).", ct);
        try
        {
            string summary;
            await using (var sandbox = await DrillSandbox.CreateAsync(hosts.Get(plan.Production.Host), runId, plan.Store, logger, ct))
            {
                await scope.LogAsync($"{plan.Store}: internal network and container {sandbox.Name} (no published ports, no production volumes).", ct);
                summary = await steps.RunAsync(runId, plan, sandbox, ct);
            }

            await scope.Items.SucceededAsync(seq, bytes, null, ids);
            await scope.LogAsync($"{plan.Store}: proven restorable: {summary} Throwaway container and network removed.", CancellationToken.None);
            return true;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await scope.Items.CancelledAsync(seq, "cancelled; the throwaway container was removed.", ids);
            return false;
        }
        catch (Exception ex) when (ex is DrillException or RestoreStepException or BackupItemException or DockerException or IOException)
        {
            var reason = ex is DockerException ? $"Docker refused a drill step: {ex.Message}" : ex.Message;
            Log.StoreFailed(logger, runId, plan.Store, reason);
            await scope.Items.FailedAsync(seq, reason, backupId: ids);
            await scope.LogAsync($"{plan.Store}: NOT restorable: {reason} Throwaway container and network removed.", CancellationToken.None);
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A defect, not a finding about the backup: the run must still end, and say so.
            Log.StoreCrashed(logger, ex, runId, plan.Store);
            var reason = $"the drill itself failed unexpectedly ({ex.GetType().Name}: {ex.Message}); the backup was not judged. See the console's log.";
            await scope.Items.FailedAsync(seq, reason, backupId: ids);
            await scope.LogAsync($"{plan.Store}: {reason}", CancellationToken.None);
            return false;
        }
    }
}
