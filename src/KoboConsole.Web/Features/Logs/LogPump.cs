using KoboConsole.Web.Infrastructure.Docker;
using KoboConsole.Web.Infrastructure.Metrics;

namespace KoboConsole.Web.Features.Logs;

/// <summary>
/// The in-process log pump: one reader per followed source (a container's output or one of its
/// log files), shared by every viewer of that source. A reader starts with its first viewer and
/// stops when the last one leaves; it never waits for a viewer (see <see cref="LogSubscription"/>).
/// </summary>
public sealed class LogPump(IDockerHosts hosts, ILogger<LogPump> logger, TimeProvider time, ConsoleMetrics? metrics = null) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<LogSourceKey, SourceReader> _readers = [];

    /// <summary>Sources being read right now (for tests and the page's footer).</summary>
    public IReadOnlyList<LogSourceKey> ActiveSources
    {
        get
        {
            lock (_lock)
            {
                return [.. _readers.Keys];
            }
        }
    }

    /// <summary>Follows <paramref name="sources"/> from now on; dispose the subscription to leave.</summary>
    public LogSubscription Subscribe(IReadOnlyList<LogSourceKey> sources, int capacity)
    {
        var viewer = metrics?.LogViewerStarted();
        var subscription = new LogSubscription(sources, capacity, s =>
        {
            viewer?.Dispose();
            Unsubscribe(s);
        });
        lock (_lock)
        {
            foreach (var source in sources.Distinct())
            {
                if (!_readers.TryGetValue(source, out var reader))
                {
                    reader = new SourceReader(source, hosts.Get(source.Host), logger, time);
                    _readers[source] = reader;
                    reader.Add(subscription);
                    reader.Start();
                    Log.ReaderStarted(logger, source);
                }
                else
                {
                    reader.Add(subscription);
                }
            }
        }

        return subscription;
    }

    private void Unsubscribe(LogSubscription subscription)
    {
        lock (_lock)
        {
            foreach (var source in subscription.Sources.Distinct())
            {
                if (_readers.TryGetValue(source, out var reader) && reader.Remove(subscription) == 0)
                {
                    _readers.Remove(source);
                    reader.Stop();
                    Log.ReaderStopped(logger, source);
                }
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var reader in _readers.Values)
            {
                reader.Stop();
            }

            _readers.Clear();
        }
    }
}
