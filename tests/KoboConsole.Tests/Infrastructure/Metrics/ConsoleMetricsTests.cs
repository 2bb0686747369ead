using System.Diagnostics.Metrics;
using KoboConsole.Web.Infrastructure.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.Tests.Infrastructure.Metrics;

public sealed class ConsoleMetricsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().AddSingleton<ConsoleMetrics>().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly List<(string Name, double Value, Dictionary<string, object?> Tags)> _measured = [];

    public ConsoleMetricsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ConsoleMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    [Fact]
    public void BackupItemSucceeded_RecordsDurationAndSizeWithStoreAndTarget()
    {
        var metrics = _services.GetRequiredService<ConsoleMetrics>();

        metrics.BackupItemSucceeded("postgres", "s3", TimeSpan.FromSeconds(12.5), 4096);

        var duration = Assert.Single(_measured, m => m.Name == "koboconsole.backup.item.duration");
        Assert.Equal(12.5, duration.Value);
        Assert.Equal("postgres", duration.Tags["store"]);
        Assert.Equal("s3", duration.Tags["target"]);
        Assert.Equal(4096, Assert.Single(_measured, m => m.Name == "koboconsole.backup.item.size").Value);
    }

    [Fact]
    public void LogViewerStarted_DisposedTwice_CountsDownOnce()
    {
        var metrics = _services.GetRequiredService<ConsoleMetrics>();

        var viewer = metrics.LogViewerStarted();
        viewer.Dispose();
        viewer.Dispose();

        Assert.Equal([1.0, -1.0], _measured.Where(m => m.Name == "koboconsole.logs.viewers").Select(m => m.Value));
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (_measured)
        {
            _measured.Add((instrument.Name, value, new Dictionary<string, object?>(tags.ToArray())));
        }
    }
}
