using System.Text.Json;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.Docker;
using KoboConsole.Web.Infrastructure.Metrics;

namespace KoboConsole.Web.Features.Drills;

/// <summary>
/// Executes one drill run: one item per store, each restored into throwaway containers and
/// verified, everything removed afterwards. One drill at a time (a lease); safe to call twice
/// for the same run (a finished run is left alone); never touches a production container.
/// </summary>
public sealed partial class DrillRunner(
    RunStore runs,
    RunScopes scopes,
    DrillPlanner planner,
    DrillSteps steps,
    DrillJanitor janitor,
    IDockerHosts hosts,
    ConsoleMetrics metrics,
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
        await using var scope = await scopes.BeginAsync(run, jobToken);
        var ct = scope.Token;
        var storeList = string.Join(", ", stores);
        Log.RunStarted(logger, runId, storeList);
        string state;
        string? error = null;
        try
        {
            var failures = await RunStoresAsync(scope, stores);
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
            await CancelOpenItemsAsync(scope);
        }

        scope.OnEnded(async o =>
        {
            foreach (var item in (await runs.GetAsync(runId, CancellationToken.None))?.Items ?? [])
            {
                metrics.DrillStoreFinished(item.Store, item.State);
            }

            Log.RunEnded(logger, runId, o.State);
        });
        await scope.EndAsync(state, error, $"drill run {runId} ({storeList})");
    }

    private async Task<int> RunStoresAsync(RunScope scope, IReadOnlyList<string> stores)
    {
        var ct = scope.Token;
        var runId = scope.RunId;
        _ = await scope.WaitForLeaseAsync(LeaseName, LeaseHolder(runId), refuse: _ => false,
            waiting: holder => $"Waiting for another drill to finish ({holder?.Holder ?? "just ended"}).", ct);
        try
        {
            await janitor.SweepAsync(ct);
            var planned = new List<(string Store, int Seq, DrillPlan? Plan, string? Problem)>();
            foreach (var store in stores)
            {
                try
                {
                    var plan = await planner.PlanAsync(store, ct);
                    planned.Add((store, await scope.Items.AddAsync(store, string.Join(", ", plan.Backups.Select(b => b.Name)), ct), plan, null));
                }
                catch (Exception ex) when (ex is DrillException or DockerException)
                {
                    planned.Add((store, await scope.Items.AddAsync(store, store, ct), null, ex.Message));
                }
            }

            var failures = 0;
            foreach (var (store, seq, plan, problem) in planned)
            {
                if (plan is null)
                {
                    await scope.Items.FailedAsync(seq, problem!);
                    await scope.LogAsync($"{store}: {problem}", CancellationToken.None);
                    failures++;
                }
                else if (!ct.IsCancellationRequested && !await DrillStoreAsync(scope, seq, plan))
                {
                    failures += ct.IsCancellationRequested ? 0 : 1;
                }
            }

            return failures;
        }
        finally
        {
            await scope.StepAsync(null, CancellationToken.None);
        }
    }

    private async Task CancelOpenItemsAsync(RunScope scope)
    {
        var run = await runs.GetAsync(scope.RunId, CancellationToken.None);
        foreach (var item in run?.Items.Where(i => !RunStates.IsFinished(i.State)) ?? [])
        {
            await scope.Items.CancelledAsync(item.Seq, "the run was cancelled before this store was proven.", item.BackupId);
        }

        await scope.LogAsync("Run cancelled; throwaway containers removed.", CancellationToken.None);
    }
}
