using System.Collections.Concurrent;
using System.Threading.Channels;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;
using KoboConsole.Web.Infrastructure.Live;

namespace KoboConsole.Web.Features.Topology;

/// <summary>Whether the console currently follows a host's Docker event stream.</summary>
public sealed record EventStreamState(string Host, bool Live, string? Error, DateTimeOffset Since);

/// <summary>
/// The live topology: one event-stream follower per Docker host (exec noise dropped by the
/// adapter) and one refresher that rebuilds <see cref="Current"/> after events. A refresh lists
/// the containers and inspects only those the events named (or new ones); the others keep their
/// last inspect. Events that arrive while a refresh runs collapse into one more refresh, so a
/// burst costs two refreshes, not one per event. A broken stream is shown as reconnecting; when
/// the host answers again everything is read again, so nothing that happened in between is
/// missed. Starts with the first subscriber or API read (nobody looking costs nothing).
/// </summary>
public sealed class TopologyLive(TopologyService topology, IDockerHosts hosts, TimeProvider time, ILogger<TopologyLive> logger) : ILiveFeed, IAsyncDisposable
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<bool> _dirty = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentDictionary<string, EventStreamState> _streams = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly List<Action> _subscribers = [];
    private readonly ConcurrentDictionary<string, bool> _named = new(StringComparer.Ordinal);
    private Dictionary<string, ContainerDetails> _details = new(StringComparer.Ordinal);
    private int _full;
    private long _wanted;
    private long _done;
    private TaskCompletionSource _refreshed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _running;

    public TopologyView Current { get; private set; } = TopologyView.Empty;

    /// <summary>False until the first full list arrived.</summary>
    public bool Loaded { get; private set; }

    public string? LastError { get; private set; }

    public IReadOnlyList<EventStreamState> Streams => [.. _streams.Values.OrderBy(s => s.Host, StringComparer.Ordinal)];

    /// <summary>Calls <paramref name="onChange"/> (on a pool thread) after each refresh or stream state change; dispose to stop.</summary>
    public IDisposable Subscribe(Action onChange)
    {
        lock (_lock)
        {
            _subscribers.Add(onChange);
            Start();
        }

        return new Subscription(this, onChange);
    }

    /// <summary>
    /// The API's read: the snapshot once every host's stream is live, after the refresh that the
    /// latest event asked for; null while a stream is not live (the caller reads Docker itself).
    /// </summary>
    public async Task<TopologyView?> ReadAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            Start();
        }

        if (!Loaded || _streams.Count < hosts.All.Count || _streams.Values.Any(s => !s.Live))
        {
            return null;
        }

        var wanted = Volatile.Read(ref _wanted);
        while (true)
        {
            var refreshed = Volatile.Read(ref _refreshed).Task;
            if (Volatile.Read(ref _done) >= wanted)
            {
                return LastError is null ? Current : null;
            }

            await refreshed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Reads everything again now (when a page asks, or a stream reconnected).</summary>
    public void RequestRefresh()
    {
        Interlocked.Exchange(ref _full, 1);
        Wake();
    }

    /// <summary>Inspects this container again in the next refresh (an event or an action named it).</summary>
    public void RefreshContainer(string containerId)
    {
        _named[containerId] = true;
        Wake();
    }

    private void Wake()
    {
        Interlocked.Increment(ref _wanted);
        _dirty.Writer.TryWrite(true);
    }

    // Task.Run: the first subscriber is usually a component, and without it the loops would
    // capture that circuit's synchronisation context (or a prerender's, gone after the
    // response) and every later refresh would queue behind, or die with, that one page.
    private void Start() =>
        _running ??= Task.Run(() => Task.WhenAll(hosts.All.Select(e => FollowAsync(e, _stop.Token)).Append(RefreshLoopAsync(_stop.Token))));

    private async Task RefreshLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            RequestRefresh();
            while (await _dirty.Reader.WaitToReadAsync(cancellationToken))
            {
                _dirty.Reader.TryRead(out _);
                var generation = Volatile.Read(ref _wanted);
                var full = Interlocked.Exchange(ref _full, 0) == 1;
                var named = new HashSet<string>(StringComparer.Ordinal);
                foreach (var id in _named.Keys)
                {
                    if (_named.TryRemove(id, out _))
                    {
                        named.Add(id);
                    }
                }

                try
                {
                    var known = full ? new Dictionary<string, ContainerDetails>(StringComparer.Ordinal) : _details;
                    (Current, _details) = await topology.ReadAsync(includeOneOff: false, known, named, cancellationToken);
                    Loaded = true;
                    LastError = null;
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    // Anything but our own shutdown (a timeout surfaces as a cancellation too) is
                    // one failed refresh: the loop must live on, or the page freezes for good.
                    LastError = ex.Message;
                    Interlocked.Exchange(ref _full, 1); // read everything next time: events may have been lost with this one
                }

                Volatile.Write(ref _done, generation);
                Interlocked.Exchange(ref _refreshed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                Notify();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task FollowAsync(IContainerEngine engine, CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(500);
        DateTimeOffset? since = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await engine.GetInfoAsync(cancellationToken);
                since ??= time.GetUtcNow();
                RequestRefresh(); // resync: whatever happened while the stream was down (asked before the stream counts as live, so API reads wait for it)
                _streams[engine.Name] = new EventStreamState(engine.Name, true, null, time.GetUtcNow());
                Log.EventStreamConnected(logger, engine.Name);
                backoff = TimeSpan.FromMilliseconds(500);
                // Network events carry no container labels, so the label filter is applied here, not by Docker.
                var query = new EventQuery { Types = ["container", "network"], Since = since };
                await foreach (var e in engine.StreamEventsAsync(query, cancellationToken))
                {
                    since = e.Time;
                    if (NamedContainer(e) is { } id)
                    {
                        RefreshContainer(id);
                    }
                }

                MarkBroken(engine.Name, "the Docker engine closed the event stream");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Whatever broke the stream (the daemon, the socket, a timeout, a bad event), follow
                // it again after a back-off rather than stop following this host.
                MarkBroken(engine.Name, ex.Message);
            }

            try
            {
                await Task.Delay(backoff, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    /// <summary>The kobo container an event is about, or null for anything else on the engine.</summary>
    private string? NamedContainer(EngineEvent e) => e.Type switch
    {
        "container" when e.Attributes.ContainsKey(KoboNames.ProjectLabel) => e.ActorId,
        "network" when e.Attributes.TryGetValue("container", out var id) && Current.Containers.Any(c => c.Id == id) => id,
        _ => null,
    };

    private void MarkBroken(string host, string reason)
    {
        var was = _streams.GetValueOrDefault(host);
        if (was is null || was.Live)
        {
            Log.EventStreamBroken(logger, host, reason);
            RequestRefresh(); // so the page shows the host unreachable, not its last list
        }

        _streams[host] = new EventStreamState(host, false, reason, was is { Live: false } ? was.Since : time.GetUtcNow());
        Notify();
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

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            await _running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stop.Dispose();
    }

    private sealed class Subscription(TopologyLive owner, Action onChange) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._subscribers.Remove(onChange);
            }
        }
    }
}
