namespace KoboConsole.Web.Features.Checks;

/// <summary>
/// Docker's restart count of each container, sampled at every service check: a container whose
/// count rose by more than N within M minutes is in a restart loop. Kept in memory by the
/// instance that runs the checks (a new leader starts counting afresh), keyed by container id, so
/// a recreated container starts from zero.
/// </summary>
public sealed class RestartLoops
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<(DateTimeOffset At, int Count)>> _samples = new(StringComparer.Ordinal);

    /// <summary>Records a sample; returns how many restarts happened within <paramref name="window"/> before <paramref name="now"/>.</summary>
    public int Observe(string containerId, int restartCount, DateTimeOffset now, TimeSpan window)
    {
        lock (_lock)
        {
            if (!_samples.TryGetValue(containerId, out var list))
            {
                _samples[containerId] = list = [];
            }

            list.Add((now, restartCount));
            // Keep one sample at or before the window's start: the count the window began with.
            while (list.Count > 1 && list[1].At <= now - window)
            {
                list.RemoveAt(0);
            }

            return Math.Max(0, restartCount - list[0].Count);
        }
    }

    /// <summary>Forgets containers not seen in the last round (removed or recreated).</summary>
    public void Keep(IReadOnlySet<string> containerIds)
    {
        lock (_lock)
        {
            foreach (var gone in _samples.Keys.Where(k => !containerIds.Contains(k)).ToList())
            {
                _samples.Remove(gone);
            }
        }
    }
}
