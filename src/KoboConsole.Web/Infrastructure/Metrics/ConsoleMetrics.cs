using System.Diagnostics.Metrics;

namespace KoboConsole.Web.Infrastructure.Metrics;

/// <summary>
/// The console's own instruments, on one <see cref="Meter"/> named <see cref="MeterName"/> that
/// /metrics exports in Prometheus format. Features record through the methods below; a new
/// feature adds its instruments here, so names and tags stay in one place.
/// Tags carry store, target and outcome only: never a host name, file name or anything secret.
/// The meter comes from <see cref="IMeterFactory"/>, which owns and disposes it.
/// </summary>
public sealed class ConsoleMetrics
{
    public const string MeterName = "KoboConsole";

    private readonly Meter _meter;
    private readonly Histogram<double> _backupItemDuration;
    private readonly Histogram<long> _backupItemSize;
    private readonly Counter<long> _backupItemFailures;
    private readonly Counter<long> _backupRuns;
    private readonly Histogram<double> _backupRunDuration;
    private readonly UpDownCounter<long> _logViewers;
    private readonly Histogram<double> _maintenanceToggleDuration;
    private readonly Counter<long> _restoreRuns;
    private readonly Histogram<double> _restoreRunDuration;
    private readonly Counter<long> _drillStoreResults;

    public ConsoleMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _backupItemDuration = _meter.CreateHistogram<double>("koboconsole.backup.item.duration", "s",
            "Time to stream one backup item (a database, Redis, a media volume) to its target, successful items only.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 5, 15, 60, 300, 900, 1800, 3600, 7200] });
        _backupItemSize = _meter.CreateHistogram<long>("koboconsole.backup.item.size", "By",
            "Size of one successful backup item as stored.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1 << 20, 16 << 20, 128 << 20, 1L << 30, 8L << 30, 64L << 30] });
        _backupItemFailures = _meter.CreateCounter<long>("koboconsole.backup.item.failures", null,
            "Backup items that failed (after their automatic rerun).");
        _backupRuns = _meter.CreateCounter<long>("koboconsole.backup.runs", null, "Finished backup runs by outcome.");
        _backupRunDuration = _meter.CreateHistogram<double>("koboconsole.backup.run.duration", "s", "Time from a backup run's start to its end.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 5, 15, 60, 300, 900, 1800, 3600, 7200] });
        _logViewers = _meter.CreateUpDownCounter<long>("koboconsole.logs.viewers", null, "Live log viewers following now (pages and hub streams).");
        _maintenanceToggleDuration = _meter.CreateHistogram<double>("koboconsole.maintenance.toggle.duration", "s",
            "Time to switch maintenance mode on or off, rollbacks included.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1, 2, 5, 10, 20, 40, 60] });
        _restoreRuns = _meter.CreateCounter<long>("koboconsole.restore.runs", null, "Finished restore runs by outcome.");
        _restoreRunDuration = _meter.CreateHistogram<double>("koboconsole.restore.run.duration", "s",
            "Time from a restore run's start to its end, every step included (safety backup, health gate).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [10, 30, 60, 300, 900, 1800, 3600, 7200, 14400] });
        _drillStoreResults = _meter.CreateCounter<long>("koboconsole.drill.store.results", null,
            "Stores a finished drill run proved restorable (succeeded) or not (failed, cancelled).");
    }

    /// <summary>The meter itself, for instruments a feature owns (observable gauges, for example).</summary>
    public Meter Meter => _meter;

    public void BackupItemSucceeded(string store, string target, TimeSpan duration, long bytes)
    {
        _backupItemDuration.Record(duration.TotalSeconds, new("store", store), new("target", target));
        _backupItemSize.Record(bytes, new("store", store), new("target", target));
    }

    public void BackupItemFailed(string store, string target) =>
        _backupItemFailures.Add(1, new("store", store), new("target", target));

    public void BackupRunFinished(string outcome, string target, TimeSpan duration)
    {
        _backupRuns.Add(1, new("outcome", outcome), new("target", target));
        _backupRunDuration.Record(duration.TotalSeconds, new("outcome", outcome), new("target", target));
    }

    /// <summary>Counts a live log viewer until the returned handle is disposed.</summary>
    public IDisposable LogViewerStarted()
    {
        _logViewers.Add(1);
        return new Viewer(_logViewers);
    }

    public void MaintenanceToggled(string action, string outcome, TimeSpan duration) =>
        _maintenanceToggleDuration.Record(duration.TotalSeconds, new("action", action), new("outcome", outcome));

    public void RestoreRunFinished(string outcome, TimeSpan duration)
    {
        _restoreRuns.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        _restoreRunDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
    }

    public void DrillStoreFinished(string store, string outcome) =>
        _drillStoreResults.Add(1, new("store", store), new("outcome", outcome));

    private sealed class Viewer(UpDownCounter<long> counter) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                counter.Add(-1);
            }
        }
    }
}
