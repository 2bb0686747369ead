using KoboConsole.Web.Infrastructure.Live;
namespace KoboConsole.Web.Features.Topology.Health;

/// <summary>
/// Runs the probes every minute, and on demand, only while at least one page watches: the first
/// subscriber starts the loop, the last one to leave stops it.
/// </summary>
public sealed class HealthWatch(ServiceHealth health, TopologyLive live, TimeProvider time, ILogger<HealthWatch> logger) : ILiveFeed, IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private readonly Lock _lock = new();
    private readonly List<Action> _subscribers = [];
    private CancellationTokenSource? _loop;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<ProbeResult> Results { get; private set; } = [];

    public bool Probing { get; private set; }

    public IDisposable Subscribe(Action onChange)
    {
        lock (_lock)
        {
            _subscribers.Add(onChange);
            if (_loop is null)
            {
                _loop = new CancellationTokenSource();
                var token = _loop.Token;
                _ = Task.Run(() => RunAsync(token)); // not on the first page's synchronisation context (see TopologyLive.Subscribe)
            }
        }

        return new Subscription(this, onChange);
    }

    /// <summary>Probes again now instead of at the next minute.</summary>
    public void ProbeNow() => _wake.TrySetResult();

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var topology = live.Subscribe(() => { });
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                while (!live.Loaded)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken);
                }

                Probing = true;
                Notify();
                Results = await health.ProbeAllAsync(live.Current, cancellationToken);
                Probing = false;
                Notify();
                _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                await _wake.Task.WaitAsync(Interval, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Notify()
    {
        Action[] subscribers;
        lock (_lock)
        {
            subscribers = [.. _subscribers];
        }

        Subscribers.NotifyAll(subscribers, logger);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _loop?.Cancel();
            _loop?.Dispose();
            _loop = null;
        }
    }

    private sealed class Subscription(HealthWatch owner, Action onChange) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._subscribers.Remove(onChange);
                if (owner._subscribers.Count == 0 && owner._loop is not null)
                {
                    owner._loop.Cancel();
                    owner._loop.Dispose();
                    owner._loop = null;
                }
            }
        }
    }
}
