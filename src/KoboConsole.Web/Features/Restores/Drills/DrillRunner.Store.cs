using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Restores.Stores;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.Docker;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Restores.Drills;

// One store's drill, the lease, and the loop that renews it and notices cancel requests.
public sealed partial class DrillRunner
{
    private static readonly TimeSpan LeaseTtl = TimeSpan.FromMinutes(2);

    private async Task<bool> DrillStoreAsync(string runId, int seq, DrillPlan plan, CancellationToken ct)
    {
        var ids = string.Join(",", plan.Backups.Select(b => b.Id));
        var bytes = plan.Backups.Sum(b => b.SizeBytes);
        await runs.UpdateItemAsync(runId, seq, RunStates.Running, 0, null, ids, null, ct);
        await runs.SetStepAsync(runId, $"{plan.Store}: restoring into a throwaway container", ct);
        await runs.LogAsync(runId, $"{plan.Store}: drilling {string.Join(", ", plan.Backups.Select(b => $"{b.Name} ({b.Target})"))} "
            + $"in a throwaway container of {plan.Production.Image} (the image of {plan.Production.ContainerName} on {plan.Production.Host}).", ct);
        try
        {
            string summary;
            await using (var sandbox = await DrillSandbox.CreateAsync(hosts.Get(plan.Production.Host), runId, plan.Store, logger, ct))
            {
                await runs.LogAsync(runId, $"{plan.Store}: internal network and container {sandbox.Name} (no published ports, no production volumes).", ct);
                summary = await steps.RunAsync(runId, plan, sandbox, ct);
            }

            await runs.UpdateItemAsync(runId, seq, RunStates.Succeeded, bytes, null, ids, null, CancellationToken.None);
            await runs.LogAsync(runId, $"{plan.Store}: proven restorable: {summary} Throwaway container and network removed.", CancellationToken.None);
            return true;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await runs.UpdateItemAsync(runId, seq, RunStates.Cancelled, 0, null, ids, "cancelled; the throwaway container was removed.", CancellationToken.None);
            return false;
        }
        catch (Exception ex) when (ex is DrillException or RestoreStepException or BackupItemException or DockerException or IOException)
        {
            var reason = ex is DockerException ? $"Docker refused a drill step: {ex.Message}" : ex.Message;
            Log.StoreFailed(logger, runId, plan.Store, reason);
            await runs.UpdateItemAsync(runId, seq, RunStates.Failed, 0, null, ids, reason, CancellationToken.None);
            await runs.LogAsync(runId, $"{plan.Store}: NOT restorable: {reason} Throwaway container and network removed.", CancellationToken.None);
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A defect, not a finding about the backup: the run must still end, and say so.
            Log.StoreCrashed(logger, ex, runId, plan.Store);
            var reason = $"the drill itself failed unexpectedly ({ex.GetType().Name}: {ex.Message}); the backup was not judged. See the console's log.";
            await runs.UpdateItemAsync(runId, seq, RunStates.Failed, 0, null, ids, reason, CancellationToken.None);
            await runs.LogAsync(runId, $"{plan.Store}: {reason}", CancellationToken.None);
            return false;
        }
    }

    private async Task<Lease> AcquireAsync(string runId, CancellationToken ct)
    {
        var waiting = false;
        while (true)
        {
            if (await leases.TryAcquireAsync(LeaseName, LeaseHolder(runId), LeaseTtl, ct) is { } lease)
            {
                return lease;
            }

            if (!waiting)
            {
                var holder = await leases.GetHolderAsync(LeaseName, ct);
                await runs.LogAsync(runId, $"Waiting for another drill to finish ({holder?.Holder ?? "just ended"}).", ct);
                waiting = true;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    /// <summary>Renews the lease, and cancels the run when its cancel flag was set (possibly by another console instance).</summary>
    private async Task KeepAliveAsync(string runId, Lease lease, RunCancellation.Handle handle, CancellationToken stop)
    {
        var renewed = time.GetUtcNow();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stop);
                if (!handle.Token.IsCancellationRequested && await runs.IsCancelRequestedAsync(runId, stop))
                {
                    handle.Cancel();
                }

                if (time.GetUtcNow() - renewed > LeaseTtl / 3)
                {
                    await lease.RenewAsync(LeaseTtl, stop);
                    renewed = time.GetUtcNow();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
    }
}
