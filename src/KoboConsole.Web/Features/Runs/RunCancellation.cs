using System.Collections.Concurrent;

namespace KoboConsole.Web.Features.Runs;

/// <summary>
/// Cancels runs that execute in this process at once; the database flag
/// (<see cref="RunStore.RequestCancelAsync"/>) reaches runs on other instances, which poll it.
/// </summary>
public sealed class RunCancellation
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);

    /// <summary>A token cancelled by <see cref="Cancel"/> or by <paramref name="jobToken"/>; dispose the handle when the run ends.</summary>
    public Handle Register(string runId, CancellationToken jobToken)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(jobToken);
        _running[runId] = cts;
        return new Handle(this, runId, cts);
    }

    public bool Cancel(string runId)
    {
        if (!_running.TryGetValue(runId, out var cts))
        {
            return false;
        }

        cts.Cancel();
        return true;
    }

    public sealed class Handle(RunCancellation owner, string runId, CancellationTokenSource cts) : IDisposable
    {
        public CancellationToken Token => cts.Token;

        public void Cancel() => cts.Cancel();

        public void Dispose()
        {
            owner._running.TryRemove(new KeyValuePair<string, CancellationTokenSource>(runId, cts));
            cts.Dispose();
        }
    }
}
