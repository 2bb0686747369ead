using System.Collections.Concurrent;
using System.Threading.Channels;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Topology;

/// <summary>Whether the console currently follows a host's Docker event stream.</summary>
public sealed record EventStreamState(string Host, bool Live, string? Error, DateTimeOffset Since);

/// <summary>
/// The live topology: one event-stream follower per Docker host (exec noise dropped by the
/// adapter) and one refresher that rebuilds <see cref="Current"/> after events. Events that
/// arrive while a refresh runs collapse into one more refresh, so a burst costs two refreshes,
/// not one per event. A broken stream is shown as reconnecting; when the host answers again
/// the whole list is read again, so nothing that happened in between is missed. Starts with
/// the first subscriber (nobody looking costs nothing).
/// </summary>
public sealed class TopologyLive(TopologyService topology, IDockerHosts hosts, TimeProvider time, ILogger<TopologyLive> logger) : IAsyncDisposable
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<bool> _dirty = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentDictionary<string, EventStreamState> _streams = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly List<Action> _subscribers = [];
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
            // Task.Run: the first subscriber is usually a component, and without it the loops would
            // capture that circuit's synchronisation context (or a prerender's, gone after the
            // response) and every later refresh would queue behind, or die with, that one page.
            _running ??= Task.Run(() => Task.WhenAll(hosts.All.Select(e => FollowAsync(e, _stop.Token)).Append(RefreshLoopAsync(_stop.Token))));
        }

        return new Subscription(this, onChange);
    }

    /// <summary>Reads everything again now (after an action, or when a page asks).</summary>
    public void RequestRefresh() => _dirty.Writer.TryWrite(true);

    private async Task RefreshLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            RequestRefresh();
            while (await _dirty.Reader.WaitToReadAsync(cancellationToken))
            {
                _dirty.Reader.TryRead(out _);
                try
                {
                    Current = await topology.GetAsync(includeOneOff: false, cancellationToken);
                    Loaded = true;
                    LastError = null;
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    // Anything but our own shutdown (a timeout surfaces as a cancellation too) is
                    // one failed refresh: the loop must live on, or the page freezes for good.
                    LastError = ex.Message;
                }

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
                _streams[engine.Name] = new EventStreamState(engine.Name, true, null, time.GetUtcNow());
                Log.EventStreamConnected(logger, engine.Name);
                RequestRefresh(); // resync: whatever happened while the stream was down
                backoff = TimeSpan.FromMilliseconds(500);
                var query = new EventQuery { Labels = [new LabelFilter(KoboNames.ProjectLabel)], Since = since };
                await foreach (var e in engine.StreamEventsAsync(query, cancellationToken))
                {
                    since = e.Time;
                    RequestRefresh();
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

    private void MarkBroken(string host, string reason)
    {
        var was = _streams.GetValueOrDefault(host);
        if (was is null || was.Live)
        {
            Log.EventStreamBroken(logger, host, reason);
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
