using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Topology.Stats;

/// <summary>
/// Samples the heavy kobo containers of every Docker host once a minute, but only while someone
/// looks: a page holding a <see cref="Watch"/> handle, or an API reader in the last ten minutes.
/// Each sample is one one-shot stats call per container (cheaper than a stream per container,
/// which the engine feeds every second: see docs/benchmarks.md); the history stays in memory,
/// <see cref="HistoryPoints"/> samples per container.
/// </summary>
public sealed class StatsSampler(TopologyLive live, TopologyService topology, IDockerHosts hosts, TimeProvider time, ILogger<StatsSampler> logger) : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    /// <summary>Four hours at one sample a minute.</summary>
    public const int HistoryPoints = 240;

    private static readonly TimeSpan ReaderDemand = TimeSpan.FromMinutes(10);

    // A fresh start samples twice a few seconds apart, so CPU (a difference) shows without a minute's wait.
    private static readonly TimeSpan SecondSampleAfter = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal);
    private readonly List<Action> _subscribers = [];
    private readonly CancellationTokenSource _stop = new();
    private int _watchers;
    private DateTimeOffset _readerUntil;
    private Task? _loop;

    /// <summary>Keeps sampling while the handle lives; <paramref name="onSample"/> runs (on a pool thread) after each round.</summary>
    public IDisposable Watch(Action? onSample = null)
    {
        lock (_lock)
        {
            _watchers++;
            if (onSample is not null)
            {
                _subscribers.Add(onSample);
            }

            StartLocked();
        }

        return new Handle(this, onSample);
    }

    /// <summary>An API read: keeps sampling for the next ten minutes.</summary>
    public void TouchReader()
    {
        lock (_lock)
        {
            _readerUntil = time.GetUtcNow() + ReaderDemand;
            StartLocked();
        }
    }

    /// <summary>The history of one container, oldest first; empty when it was never sampled.</summary>
    public IReadOnlyList<StatsPoint> History(string containerId)
    {
        lock (_lock)
        {
            return _series.TryGetValue(containerId, out var s) ? [.. s.Points] : [];
        }
    }

    /// <summary>Every sampled container that is still in the history, with its points.</summary>
    public IReadOnlyList<ContainerStatsView> All()
    {
        lock (_lock)
        {
            return [.. _series.Values.Where(s => s.Points.Count > 0).Select(s => s.ToView())];
        }
    }

    /// <summary>One round: a stats read of each running heavy container, host by host in parallel.</summary>
    public async Task SampleOnceAsync(CancellationToken cancellationToken)
    {
        var view = await live.ReadAsync(cancellationToken) ?? await topology.GetAsync(includeOneOff: false, cancellationToken);
        var targets = view.Containers.Where(c => c.State == "running" && HeavyServices.Contains(c.Service)).GroupBy(c => c.Host, StringComparer.Ordinal);
        await Parallel.ForEachAsync(targets, cancellationToken, async (group, ct) =>
        {
            var engine = hosts.Get(group.Key);
            foreach (var c in group)
            {
                try
                {
                    Record(c, await engine.ReadStatsAsync(c.Id, ct));
                }
                catch (DockerException ex)
                {
                    Log.StatsReadFailed(logger, c.Name, c.Host, ex.Message);
                }
            }
        });
        Prune();
        Topology.Subscribers.NotifyAll(Snapshot(), logger);
    }

    internal void Record(TopologyContainer c, ContainerStatsReading reading)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (!_series.TryGetValue(c.Id, out var s))
            {
                s = new Series(c);
                _series[c.Id] = s;
            }

            s.Container = c;
            double? cpu = null, rx = null, tx = null;
            if (s.Last is { } last && now - last.At <= 3 * Interval)
            {
                var elapsed = now - last.At;
                cpu = StatsMath.CpuPercent(last.Reading, reading);
                rx = StatsMath.Rate(last.Reading.NetRxBytes, reading.NetRxBytes, elapsed);
                tx = StatsMath.Rate(last.Reading.NetTxBytes, reading.NetTxBytes, elapsed);
            }

            s.Points.Enqueue(new StatsPoint(now, cpu, (long)StatsMath.MemoryWithoutCache(reading), (long)reading.MemoryLimitBytes, rx, tx));
            while (s.Points.Count > HistoryPoints)
            {
                s.Points.Dequeue();
            }

            s.Last = (reading, now);
        }
    }

    private void Prune()
    {
        var oldest = time.GetUtcNow() - HistoryPoints * Interval;
        lock (_lock)
        {
            foreach (var s in _series.Values)
            {
                while (s.Points.TryPeek(out var p) && p.At < oldest)
                {
                    s.Points.Dequeue();
                }
            }

            foreach (var gone in _series.Where(kv => kv.Value.Points.Count == 0).Select(kv => kv.Key).ToArray())
            {
                _series.Remove(gone);
            }
        }
    }

    private Action[] Snapshot()
    {
        lock (_lock)
        {
            return [.. _subscribers];
        }
    }

    private bool WantedLocked() => _watchers > 0 || time.GetUtcNow() < _readerUntil;

    private void StartLocked()
    {
        if (_loop is null && !_stop.IsCancellationRequested)
        {
            _loop = Task.Run(RunAsync);
        }
    }

    private async Task RunAsync()
    {
        var ct = _stop.Token;
        var rounds = 0;
        while (!ct.IsCancellationRequested)
        {
            lock (_lock)
            {
                if (!WantedLocked())
                {
                    _loop = null;
                    return;
                }
            }

            try
            {
                await SampleOnceAsync(ct);
                await Task.Delay(++rounds == 1 ? SecondSampleAfter : Interval, time, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.StatsRoundFailed(logger, ex.Message);
                // A round that failed whole (no host answered the topology read) waits like any other.
                await Task.Delay(Interval, time, ct).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Task? loop;
        lock (_lock)
        {
            loop = _loop;
        }

        if (loop is not null)
        {
            await loop.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        _stop.Dispose();
    }

    private void Release(Action? onSample)
    {
        lock (_lock)
        {
            _watchers--;
            if (onSample is not null)
            {
                _subscribers.Remove(onSample);
            }
        }
    }

    private sealed class Series(TopologyContainer container)
    {
        public TopologyContainer Container { get; set; } = container;

        public Queue<StatsPoint> Points { get; } = new();

        public (ContainerStatsReading Reading, DateTimeOffset At)? Last { get; set; }

        public ContainerStatsView ToView() => new(Container.Id, Container.Name, Container.Host, Container.Service, true, (int)Interval.TotalSeconds, [.. Points]);
    }

    private sealed class Handle(StatsSampler owner, Action? onSample) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release(onSample);
            }
        }
    }
}
