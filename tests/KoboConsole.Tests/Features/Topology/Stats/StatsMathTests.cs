using KoboConsole.Web.Features.Topology.Stats;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Tests.Features.Topology.Stats;

public sealed class StatsMathTests
{
    [Fact]
    public void CpuPercent_CgroupV1WithPreviousRead_IsDeltaOverSystemTimesCpus()
    {
        var r = ContainerStatsParser.Parse(StatsJson.CgroupV1);

        // (2127565058 - 1458171931) / (508080000000 - 506050000000) * 2 CPUs * 100
        Assert.Equal(65.95, StatsMath.CpuPercent(r)!.Value, precision: 2);
    }

    [Fact]
    public void CpuPercent_OneShotRead_IsNullUntilASecondReading()
    {
        var first = ContainerStatsParser.Parse(StatsJson.CgroupV2OneShot);
        var second = first with { CpuTotalNs = first.CpuTotalNs + 3_000_000_000, SystemCpuNs = first.SystemCpuNs + 40_000_000_000 };

        Assert.Null(StatsMath.CpuPercent(first));
        // 3 s of CPU in 40 s of system time (10 s of wall time on 4 CPUs): 30 % of one core.
        Assert.Equal(30.0, StatsMath.CpuPercent(first, second)!.Value, precision: 6);
    }

    [Fact]
    public void CpuPercent_CounterWentBack_IsNull()
    {
        var before = ContainerStatsParser.Parse(StatsJson.CgroupV2OneShot);
        var restarted = before with { CpuTotalNs = 1_000, SystemCpuNs = before.SystemCpuNs + 1_000_000_000 };

        Assert.Null(StatsMath.CpuPercent(before, restarted));
    }

    [Fact]
    public void MemoryWithoutCache_CgroupV1_SubtractsTotalInactiveFile()
    {
        var r = ContainerStatsParser.Parse(StatsJson.CgroupV1.Replace("\"total_inactive_file\":0", "\"total_inactive_file\":135168", StringComparison.Ordinal));

        Assert.Equal(585728UL, r.MemoryUsageBytes);
        Assert.Equal(585728UL - 135168UL, StatsMath.MemoryWithoutCache(r));
        Assert.Equal(25276182528UL, r.MemoryLimitBytes);
    }

    [Fact]
    public void MemoryWithoutCache_CgroupV2_SubtractsInactiveFile()
    {
        var r = ContainerStatsParser.Parse(StatsJson.CgroupV2OneShot);

        Assert.Equal(524288000UL - 199229440UL, StatsMath.MemoryWithoutCache(r));
        Assert.Equal(2147483648UL, r.MemoryLimitBytes);
    }

    [Fact]
    public void MemoryWithoutCache_CacheLargerThanUsage_KeepsUsage()
    {
        var r = ContainerStatsParser.Parse(StatsJson.CgroupV2OneShot) with { MemoryUsageBytes = 100, MemoryCacheBytes = 500 };

        Assert.Equal(100UL, StatsMath.MemoryWithoutCache(r));
    }

    [Fact]
    public void Parse_SeveralNetworks_AddsTheirBytes()
    {
        var r = ContainerStatsParser.Parse(StatsJson.CgroupV2OneShot);

        Assert.Equal(1_000_500UL, r.NetRxBytes);
        Assert.Equal(250_300UL, r.NetTxBytes);
        Assert.Equal(4, r.OnlineCpus);
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 20, 30, 0, TimeSpan.Zero), r.Read.AddTicks(-r.Read.Ticks % TimeSpan.TicksPerSecond));
    }

    [Fact]
    public void Rate_CountsPerSecond_NullWhenTheCounterWentBack()
    {
        Assert.Equal(1000.0, StatsMath.Rate(1_000, 61_000, TimeSpan.FromMinutes(1)));
        Assert.Null(StatsMath.Rate(61_000, 5, TimeSpan.FromMinutes(1)));
    }
}
