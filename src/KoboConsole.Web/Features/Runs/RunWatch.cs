using Dapper;
using KoboConsole.Web.Infrastructure.Live;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Runs;

/// <summary>
/// Tells pages which kinds of run changed, wherever the run was started (a page, the API, a
/// schedule, another console instance): the one way pages follow runs (decision 0027). It reads
/// one summary row per kind from the runs table every <see cref="Interval"/>, only while a page is
/// subscribed; a kind whose summary changed, or that has a run under way (its bytes and steps
/// move), is announced. Reading the shared table, not an in-process event, is what makes a run
/// of another instance appear.
/// </summary>
public sealed class RunWatch(ConsoleDb db, ILogger<RunWatch> logger) : IAsyncDisposable
{
    private const string SummarySql =
        """
        SELECT kind AS Kind, COUNT(*) AS Count, MAX(created_at) AS LastCreated, MAX(COALESCE(finished_at, 0)) AS LastFinished,
            SUM(CASE WHEN state IN ('queued', 'running') THEN 1 ELSE 0 END) AS Active
        FROM runs GROUP BY kind
        """;

    private readonly Lock _lock = new();
    private readonly List<Action<IReadOnlySet<string>>> _subscribers = [];
    private CancellationTokenSource? _stop;

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Calls <paramref name="onChange"/> (on a pool thread) with the kinds that changed; dispose to stop.
    /// The handler must not throw: a component marshals with InvokeAsync and hands errors to DispatchExceptionAsync.
    /// </summary>
    public IDisposable Subscribe(Action<IReadOnlySet<string>> onChange)
    {
        lock (_lock)
        {
            _subscribers.Add(onChange);
            if (_stop is null)
            {
                _stop = new CancellationTokenSource();
                var token = _stop.Token;
                // Task.Run: not on the first subscriber's circuit (see TopologyLive.Start).
                _ = Task.Run(() => LoopAsync(token), CancellationToken.None);
            }
        }

        return new Subscription(this, onChange);
    }

    /// <summary>The runs of <paramref name="kinds"/> as a feed: told when one of them changed or is under way.</summary>
    public ILiveFeed Of(params string[] kinds)
    {
        var wanted = new HashSet<string>(kinds, StringComparer.Ordinal);
        return Where(changed => changed.Overlaps(wanted));
    }

    /// <summary>A feed told when <paramref name="matters"/> says the kinds that changed concern the follower.</summary>
    public ILiveFeed Where(Func<IReadOnlySet<string>, bool> matters) => new KindFeed(this, matters);

    /// <summary>Reads the summary once; returns the kinds changed since <paramref name="last"/> (every kind when it is empty) and the summary read.</summary>
    internal async Task<(IReadOnlySet<string> Changed, Dictionary<string, Summary> Now)> PollAsync(IReadOnlyDictionary<string, Summary> last, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var now = (await c.QueryAsync<Summary>(new CommandDefinition(SummarySql, cancellationToken: cancellationToken)))
            .ToDictionary(s => s.Kind, StringComparer.Ordinal);
        var changed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (kind, summary) in now)
        {
            if (summary.Active > 0 || !last.TryGetValue(kind, out var before) || before.Key != summary.Key)
            {
                changed.Add(kind);
            }
        }

        changed.UnionWith(last.Keys.Where(k => !now.ContainsKey(k))); // every run of a kind deleted
        return (changed, now);
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval);
        var last = new Dictionary<string, Summary>(StringComparer.Ordinal);
        try
        {
            do
            {
                try
                {
                    (var changed, last) = await PollAsync(last, cancellationToken);
                    if (changed.Count > 0)
                    {
                        Notify(changed);
                    }
                }
                catch (Exception ex) when (DatabaseOutage.Is(ex))
                {
                    Log.WatchFailed(logger, ex.Message); // the next tick tries again; the database banner says what is wrong
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The last page unsubscribed.
        }
    }

    private void Notify(IReadOnlySet<string> changed)
    {
        Action<IReadOnlySet<string>>[] subscribers;
        lock (_lock)
        {
            subscribers = [.. _subscribers];
        }

        foreach (var s in subscribers)
        {
            try
            {
                s(changed);
            }
            catch (Exception ex)
            {
                Log.WatchSubscriberFailed(logger, ex.GetType().Name, ex.Message);
            }
        }
    }

    private void Unsubscribe(Action<IReadOnlySet<string>> onChange)
    {
        lock (_lock)
        {
            _subscribers.Remove(onChange);
            if (_subscribers.Count == 0 && _stop is { } stop)
            {
                // Nobody looking costs nothing; the next subscriber starts afresh and hears every kind once.
                stop.Cancel();
                stop.Dispose();
                _stop = null;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            _subscribers.Clear();
            _stop?.Cancel();
            _stop?.Dispose();
            _stop = null;
        }

        return ValueTask.CompletedTask;
    }

    internal sealed class Summary
    {
        public string Kind { get; set; } = "";
        public long Count { get; set; }
        public long LastCreated { get; set; }
        public long LastFinished { get; set; }
        public long Active { get; set; }

        public (long, long, long, long) Key => (Count, LastCreated, LastFinished, Active);
    }

    private sealed class Subscription(RunWatch watch, Action<IReadOnlySet<string>> onChange) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                watch.Unsubscribe(onChange);
            }
        }
    }

    private sealed class KindFeed(RunWatch watch, Func<IReadOnlySet<string>, bool> matters) : ILiveFeed
    {
        public IDisposable Subscribe(Action onChange) => watch.Subscribe(changed =>
        {
            if (matters(changed))
            {
                onChange();
            }
        });
    }
}
