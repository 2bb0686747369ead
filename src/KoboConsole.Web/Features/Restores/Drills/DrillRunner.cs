using System.Text.Json;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.Docker;
using KoboConsole.Web.Infrastructure.Metrics;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Restores.Drills;

/// <summary>
/// Executes one drill run: one item per store, each restored into throwaway containers and
/// verified, everything removed afterwards. One drill at a time (a lease); safe to call twice
/// for the same run (a finished run is left alone); never touches a production container.
/// </summary>
public sealed partial class DrillRunner(
    RunStore runs,
    RunCancellation cancellation,
    DrillPlanner planner,
    DrillSteps steps,
    DrillJanitor janitor,
    IDockerHosts hosts,
    Leases leases,
    AuditLog audit,
    ConsoleMetrics metrics,
    TimeProvider time,
    ILogger<DrillRunner> logger)
{
    public const string Kind = "drill";
    public const string LeaseName = "drill";

    public static string LeaseHolder(string runId) => $"run {runId}";

    public async Task RunAsync(string runId, CancellationToken jobToken)
    {
        var run = await runs.GetAsync(runId, jobToken) ?? throw new InvalidOperationException($"Drill run {runId} does not exist.");
        if (RunStates.IsFinished(run.State))
        {
            return;
        }

        var request = JsonSerializer.Deserialize<StartDrillRequest>(run.Request ?? "{}", BackupManifest.Json);
        var stores = BackupStores.All.Where(s => request?.Stores is null || request.Stores.Contains(s)).ToList();
        using var handle = cancellation.Register(runId, jobToken);
        var ct = handle.Token;
        var started = time.GetUtcNow();
        var storeList = string.Join(", ", stores);
        await runs.StartAsync(runId, CancellationToken.None);
        Log.RunStarted(logger, runId, storeList);
        string state;
        string? error = null;
        try
        {
            if (run.CancelRequested)
            {
                handle.Cancel();
            }

            var failures = await RunStoresAsync(runId, stores, handle, ct);
            state = ct.IsCancellationRequested ? RunStates.Cancelled : failures == 0 ? RunStates.Succeeded : RunStates.Failed;
            error = state == RunStates.Failed ? $"{failures} of {stores.Count} store(s) could not be proven restorable; see each item's reason." : null;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            state = RunStates.Cancelled;
        }

        if (state == RunStates.Cancelled)
        {
            error = "cancelled before it finished; every throwaway container was removed.";
            await CancelOpenItemsAsync(runId);
        }

        await runs.FinishAsync(runId, state, error, CancellationToken.None);
        foreach (var item in (await runs.GetAsync(runId, CancellationToken.None))?.Items ?? [])
        {
            metrics.DrillStoreFinished(item.Store, item.State);
        }

        await audit.WriteAsync(run.Actor, "drill.run", $"drill run {runId} ({storeList})", state, error,
            time.GetUtcNow() - started, CancellationToken.None);
        Log.RunEnded(logger, runId, state);
    }

    private async Task<int> RunStoresAsync(string runId, IReadOnlyList<string> stores, RunCancellation.Handle handle, CancellationToken ct)
    {
        await using var lease = await AcquireAsync(runId, ct);
        using var stop = new CancellationTokenSource();
        var keepAlive = KeepAliveAsync(runId, lease, handle, stop.Token);
        try
        {
            await janitor.SweepAsync(ct);
            var planned = new List<(string Store, int Seq, DrillPlan? Plan, string? Problem)>();
            foreach (var store in stores)
            {
                try
                {
                    var plan = await planner.PlanAsync(store, ct);
                    planned.Add((store, await runs.AddItemAsync(runId, store, string.Join(", ", plan.Backups.Select(b => b.Name)), ct), plan, null));
                }
                catch (Exception ex) when (ex is DrillException or DockerException)
                {
                    planned.Add((store, await runs.AddItemAsync(runId, store, store, ct), null, ex.Message));
                }
            }

            var failures = 0;
            foreach (var (store, seq, plan, problem) in planned)
            {
                if (plan is null)
                {
                    await runs.UpdateItemAsync(runId, seq, RunStates.Failed, 0, null, null, problem, CancellationToken.None);
                    await runs.LogAsync(runId, $"{store}: {problem}", CancellationToken.None);
                    failures++;
                }
                else if (!ct.IsCancellationRequested && !await DrillStoreAsync(runId, seq, plan, ct))
                {
                    failures += ct.IsCancellationRequested ? 0 : 1;
                }
            }

            return failures;
        }
        finally
        {
            await stop.CancelAsync();
            await keepAlive;
            await runs.SetStepAsync(runId, null, CancellationToken.None);
        }
    }

    private async Task CancelOpenItemsAsync(string runId)
    {
        var run = await runs.GetAsync(runId, CancellationToken.None);
        foreach (var item in run?.Items.Where(i => !RunStates.IsFinished(i.State)) ?? [])
        {
            await runs.UpdateItemAsync(runId, item.Seq, RunStates.Cancelled, 0, null, item.BackupId, "the run was cancelled before this store was proven.", CancellationToken.None);
        }

        await runs.LogAsync(runId, "Run cancelled; throwaway containers removed.", CancellationToken.None);
    }
}
