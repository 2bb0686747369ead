using KoboConsole.Web.Features.Topology;

namespace KoboConsole.IntegrationTests.Topology;

/// <summary>Subscribes to <see cref="TopologyLive"/> like a page does and waits for a condition on its state.</summary>
public sealed class LiveProbe : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TopologyLive _live;
    private readonly IDisposable _subscription;
    private readonly Lock _lock = new();
    private readonly List<(Func<TopologyLive, bool> Condition, TaskCompletionSource Done)> _waiters = [];

    public LiveProbe(TopologyLive live)
    {
        _live = live;
        _subscription = live.Subscribe(Check);
    }

    /// <summary>Completes when <paramref name="condition"/> holds after a change; fails after a minute (a hang, not a timing check).</summary>
    public async Task WaitAsync(Func<TopologyLive, bool> condition, string what)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _waiters.Add((condition, done));
        }

        Check();
        try
        {
            await done.Task.WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            var streams = string.Join("; ", _live.Streams.Select(s => $"{s.Host} live={s.Live} {s.Error}"));
            throw new Xunit.Sdk.XunitException($"never saw: {what} (streams: {streams}; {_live.Current.Containers.Count} containers; error {_live.LastError})");
        }
    }

    private void Check()
    {
        lock (_lock)
        {
            foreach (var w in _waiters.Where(w => w.Condition(_live)).ToList())
            {
                w.Done.TrySetResult();
                _waiters.Remove(w);
            }
        }
    }

    public void Dispose() => _subscription.Dispose();
}
