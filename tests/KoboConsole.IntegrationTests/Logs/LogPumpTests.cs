using System.Globalization;
using KoboConsole.IntegrationTests.Docker;
using KoboConsole.Web.Features.Logs;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Logs;

/// <summary>The shared reader against a real container, through the pump the page and hub both use.</summary>
public sealed class LogPumpTests(DockerFixture fixture) : LogsTestBase(fixture)
{
    [Fact]
    public async Task Subscribe_SlowAndFastViewerOnOneContainer_SlowGetsGapFastMissesNothing()
    {
        const int Count = 20_000;
        var id = await RunServiceAsync("kpi", $"sleep 4; i=0; while [ $i -lt {Count} ]; do echo seq$i; i=$((i+1)); done; echo done; sleep 3600");
        await using var app = NewApp();
        var sources = app.Services.GetRequiredService<LogSources>();
        var pump = app.Services.GetRequiredService<LogPump>();
        var keys = await sources.SourcesOfAsync(await sources.ResolveContainersAsync([id], Timeout), files: false, Timeout);
        using var fast = pump.Subscribe(keys, 100_000);
        using var slow = pump.Subscribe(keys, 100);
        Assert.Single(pump.ActiveSources);

        // The fast viewer reads all along; the slow one reads nothing until the container is done.
        var fastItems = new List<LogItem>();
        while (!fastItems.Any(i => i.Text == "done"))
        {
            fastItems.AddRange(await fast.ReadBatchAsync(LogStreamService.MaxBatch, Timeout));
        }

        var slowItems = new List<LogItem>(await slow.ReadBatchAsync(1000, Timeout));

        var seq = fastItems.Where(i => i.Text.StartsWith("seq", StringComparison.Ordinal)).Select(i => int.Parse(i.Text[3..], CultureInfo.InvariantCulture));
        Assert.Equal(Enumerable.Range(0, Count), seq);
        Assert.DoesNotContain(fastItems, i => i.Stream == LogItem.Gap);
        Assert.Equal(LogItem.Gap, slowItems[0].Stream);
        var skipped = long.Parse(slowItems[0].Text.Split(' ')[0], CultureInfo.InvariantCulture);
        Assert.Equal(Count + 1 - 100, skipped);
        Assert.Equal("done", slowItems[^1].Text);
        Assert.Equal(100, slowItems.Count - 1);
    }

    [Fact]
    public async Task Subscribe_SecondViewer_SharesTheReaderAndLastLeaveStopsIt()
    {
        var id = await RunServiceAsync("kpi", "while true; do echo tick; sleep 0.1; done");
        await using var app = NewApp();
        var sources = app.Services.GetRequiredService<LogSources>();
        var pump = app.Services.GetRequiredService<LogPump>();
        var keys = await sources.SourcesOfAsync(await sources.ResolveContainersAsync([id], Timeout), files: false, Timeout);

        var first = pump.Subscribe(keys, 100);
        var second = pump.Subscribe(keys, 100);
        Assert.Single(pump.ActiveSources);
        Assert.NotEmpty(await second.ReadBatchAsync(10, Timeout));
        first.Dispose();
        Assert.Single(pump.ActiveSources);
        second.Dispose();

        Assert.Empty(pump.ActiveSources);
    }
}
