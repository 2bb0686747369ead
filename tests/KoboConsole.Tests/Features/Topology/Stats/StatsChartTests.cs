using Bunit;
using KoboConsole.Web.Features.Topology;
using KoboConsole.Web.Features.Topology.Stats;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace KoboConsole.Tests.Features.Topology.Stats;

public sealed class StatsChartTests : MudComponentTest
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 20, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(T0);
    private readonly StatsSampler _sampler;

    public StatsChartTests()
    {
        _sampler = new StatsSampler(null!, null!, null!, _time, NullLogger<StatsSampler>.Instance);
        Ctx.Services.AddSingleton(_sampler);
        Ctx.Renderer.SetRendererInfo(new RendererInfo("Static", isInteractive: false)); // reads the history, starts no sampling
    }

    [Fact]
    public void Sparkline_Points_AreScaledByTimeAcrossAndByPeakUp()
    {
        ChartPoint[] points = [new(T0, 0), new(T0.AddMinutes(1), 50), new(T0.AddMinutes(4), 100)];

        var cut = Ctx.Render<Sparkline>(p => p.Add(c => c.Points, points).Add(c => c.Label, "CPU").Add(c => c.TestId, "cpu"));

        // 300 wide, 48 high: x at 0, 1/4 and 4/4 of the span; the peak (100) at the top, 0 at the bottom.
        Assert.Equal("0,48 75,24 300,0", cut.Find("polyline").GetAttribute("points"));
        Assert.Equal("100", cut.Find("[data-testid=cpu-latest]").TextContent);
    }

    [Fact]
    public void Sparkline_MaxAbovePeak_ScalesToMax()
    {
        ChartPoint[] points = [new(T0, 25), new(T0.AddMinutes(1), 50)];

        var cut = Ctx.Render<Sparkline>(p => p.Add(c => c.Points, points).Add(c => c.Label, "CPU").Add(c => c.Max, 100));

        Assert.Equal("0,36 300,24", cut.Find("polyline").GetAttribute("points"));
    }

    [Fact]
    public void Sparkline_NullInTheMiddle_DrawsTwoLines()
    {
        ChartPoint[] points = [new(T0, 10), new(T0.AddMinutes(1), 10), new(T0.AddMinutes(2), null), new(T0.AddMinutes(3), 5), new(T0.AddMinutes(4), 10)];

        var cut = Ctx.Render<Sparkline>(p => p.Add(c => c.Points, points).Add(c => c.Label, "CPU"));

        Assert.Equal(["0,0 75,0", "225,24 300,0"], cut.FindAll("polyline").Select(l => l.GetAttribute("points")));
    }

    [Fact]
    public void Sparkline_OnePoint_SitsAtTheRightEdge()
    {
        var cut = Ctx.Render<Sparkline>(p => p.Add(c => c.Points, [new ChartPoint(T0, 0)]).Add(c => c.Label, "Memory"));

        Assert.Equal("300,48", cut.Find("polyline").GetAttribute("points"));
    }

    [Fact]
    public void Sparkline_NoValues_SaysSoAndDrawsNothing()
    {
        var cut = Ctx.Render<Sparkline>(p => p.Add(c => c.Points, [new ChartPoint(T0, null)]).Add(c => c.Label, "CPU").Add(c => c.TestId, "cpu")
            .Add(c => c.EmptyText, "CPU shows from the second sample."));

        Assert.Equal("CPU shows from the second sample.", cut.Find("[data-testid=cpu-empty]").TextContent);
        Assert.Empty(cut.FindAll("svg"));
        Assert.Equal("–", cut.Find("[data-testid=cpu-latest]").TextContent);
    }

    [Fact]
    public void ContainerStatsCharts_NoHistory_SaysSoInEveryChart()
    {
        var cut = Ctx.Render<ContainerStatsCharts>(p => p.Add(c => c.ContainerId, "pg1").Add(c => c.Service, "postgres"));

        Assert.Equal(4, cut.FindAll(".kc-sparkline-empty").Count);
        Assert.Equal("No samples yet.", cut.Find("[data-testid=chart-memory-empty]").TextContent);
    }

    [Fact]
    public void ContainerStatsCharts_SampledHistory_ShowsLatestValues()
    {
        var pg = TopologySamples.Container("pg1", "postgres", "backend");
        var reading = new ContainerStatsReading(T0, 1_000_000_000, 100_000_000_000, 2, 0, 0, 300L << 20, 44L << 20, 2L << 30, 1_000, 2_000);
        _sampler.Record(pg, reading);
        _time.Advance(TimeSpan.FromMinutes(1));
        _sampler.Record(pg, reading with { CpuTotalNs = 13_000_000_000, SystemCpuNs = 220_000_000_000, NetRxBytes = 61_000, NetTxBytes = 2_000 });

        var cut = Ctx.Render<ContainerStatsCharts>(p => p.Add(c => c.ContainerId, "pg1").Add(c => c.Service, "postgres"));

        // 12 s of CPU in 120 s of system time on 2 CPUs: 20 %; 300 MiB used, 44 MiB of it inactive page cache.
        Assert.Equal("20 %", cut.Find("[data-testid=chart-cpu-latest]").TextContent);
        Assert.Equal("256 MiB", cut.Find("[data-testid=chart-memory-latest]").TextContent);
        Assert.Contains("limit 2.0 GiB", cut.Find("[data-testid=chart-memory]").TextContent, StringComparison.Ordinal);
        Assert.Equal("1000 B/s", cut.Find("[data-testid=chart-net-rx-latest]").TextContent);
        Assert.Single(cut.FindAll("[data-testid=chart-memory] polyline"));
    }

    [Fact]
    public void ContainerStatsCharts_LightService_SaysItIsNotSampled()
    {
        var cut = Ctx.Render<ContainerStatsCharts>(p => p.Add(c => c.ContainerId, "n1").Add(c => c.Service, "nginx"));

        Assert.Contains("nginx is not one of them", cut.Find("[data-testid=stats-not-sampled]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll(".kc-sparkline"));
    }

    [Fact]
    public void TopContainers_SortedByCpuThenByMemory()
    {
        var reading = new ContainerStatsReading(T0, 0, 0, 1, 0, 0, 100L << 20, 0, 1L << 30, 0, 0);
        _sampler.Record(TopologySamples.Container("k", "kpi", "frontend"), reading);
        _sampler.Record(TopologySamples.Container("p", "postgres", "backend"), reading with { MemoryUsageBytes = 500L << 20 });
        _time.Advance(TimeSpan.FromMinutes(1));
        _sampler.Record(TopologySamples.Container("k", "kpi", "frontend"), reading with { CpuTotalNs = 30_000_000_000, SystemCpuNs = 60_000_000_000 });
        _sampler.Record(TopologySamples.Container("p", "postgres", "backend"), reading with { MemoryUsageBytes = 500L << 20, CpuTotalNs = 6_000_000_000, SystemCpuNs = 60_000_000_000 });

        var cut = Ctx.Render<TopContainers>();
        var byCpu = cut.FindAll("[data-testid=top-row]").Select(r => r.QuerySelector("b")!.TextContent).ToArray();
        cut.FindAll("button").Single(b => b.TextContent.Contains("By memory", StringComparison.Ordinal)).Click();
        var byMemory = cut.FindAll("[data-testid=top-row]").Select(r => r.QuerySelector("b")!.TextContent).ToArray();

        Assert.Equal(["kpi", "postgres"], byCpu);
        Assert.Equal(["postgres", "kpi"], byMemory);
        Assert.Contains("50 %", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void TopContainers_NothingSampled_SaysSo()
        => Assert.Contains("No samples yet", Ctx.Render<TopContainers>().Find("[data-testid=top-empty]").TextContent, StringComparison.Ordinal);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _sampler.DisposeAsync();
    }
}
