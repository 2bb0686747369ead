using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.Docker;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Drills;

/// <summary>
/// Removes throwaway containers and networks a drill left behind (the console was killed
/// mid-drill, or Docker refused a removal). Only objects of drill runs recorded in this console's
/// database, and not of the drill executing now, are touched: another console sharing the engine
/// keeps its own.
/// </summary>
public sealed class DrillJanitor(IDockerHosts hosts, RunStore runs, Leases leases, ILogger<DrillJanitor> logger)
{
    /// <summary>Returns how many objects were removed.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var executing = (await leases.GetHolderAsync(DrillRunner.LeaseName, cancellationToken))?.Holder;
        var removed = 0;
        foreach (var engine in hosts.All)
        {
            try
            {
                removed += await SweepHostAsync(engine, executing, cancellationToken);
            }
            catch (DockerException ex)
            {
                Log.CleanupFailed(logger, engine.Name, "drill leftovers", ex.Message);
            }
        }

        return removed;
    }

    private async Task<int> SweepHostAsync(IContainerEngine engine, string? executing, CancellationToken cancellationToken)
    {
        var removed = 0;
        foreach (var c in await engine.ListContainersAsync(ContainerQuery.WithLabel(DrillLabels.Run), cancellationToken))
        {
            var runId = c.Labels[DrillLabels.Run];
            if (await IsStaleAsync(runId, executing, cancellationToken))
            {
                await TryAsync(engine, $"container {c.Name}", runId, () => engine.RemoveContainerAsync(c.Id, force: true, removeVolumes: true, cancellationToken));
                removed++;
            }
        }

        foreach (var n in await engine.ListNetworksAsync(cancellationToken))
        {
            if (n.Labels.TryGetValue(DrillLabels.Run, out var runId) && await IsStaleAsync(runId, executing, cancellationToken))
            {
                await TryAsync(engine, $"network {n.Name}", runId, () => engine.RemoveNetworkAsync(n.Id, cancellationToken));
                removed++;
            }
        }

        return removed;
    }

    private async Task<bool> IsStaleAsync(string runId, string? executing, CancellationToken cancellationToken) =>
        executing != DrillRunner.LeaseHolder(runId) && await runs.GetAsync(runId, cancellationToken) is { Kind: DrillRunner.Kind };

    private async Task TryAsync(IContainerEngine engine, string what, string runId, Func<Task> remove)
    {
        try
        {
            await remove();
            Log.LeftoverRemoved(logger, engine.Name, what, runId);
        }
        catch (ContainerNotFoundException)
        {
            // Removed meanwhile.
        }
        catch (DockerOperationException ex)
        {
            Log.CleanupFailed(logger, engine.Name, what, ex.Message);
        }
    }
}
