using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Topology.Stats;

/// <summary>The arithmetic of <c>docker stats</c>, over two readings of one container.</summary>
public static class StatsMath
{
    /// <summary>
    /// CPU use between two readings as <c>docker stats</c> shows it: the container's CPU time over
    /// the host's, times the CPUs online (100 % is one core busy). Null when the readings do not
    /// follow each other (the container restarted and its counter began again).
    /// </summary>
    public static double? CpuPercent(ContainerStatsReading previous, ContainerStatsReading current)
        => CpuPercent(previous.CpuTotalNs, previous.SystemCpuNs, current.CpuTotalNs, current.SystemCpuNs, current.OnlineCpus);

    /// <summary>CPU use over Docker's own two reads in one answer (<c>precpu_stats</c>); null in a one-shot read.</summary>
    public static double? CpuPercent(ContainerStatsReading reading)
        => reading.PreSystemCpuNs == 0 ? null : CpuPercent(reading.PreCpuTotalNs, reading.PreSystemCpuNs, reading.CpuTotalNs, reading.SystemCpuNs, reading.OnlineCpus);

    /// <summary>Memory in use without the reclaimable page cache (Docker's CLI: usage minus inactive file pages).</summary>
    public static ulong MemoryWithoutCache(ContainerStatsReading reading)
        => reading.MemoryCacheBytes < reading.MemoryUsageBytes ? reading.MemoryUsageBytes - reading.MemoryCacheBytes : reading.MemoryUsageBytes;

    /// <summary>Bytes per second between two cumulative counts; null when the counter went back (a restart).</summary>
    public static double? Rate(ulong previous, ulong current, TimeSpan elapsed)
        => current < previous || elapsed <= TimeSpan.Zero ? null : (current - previous) / elapsed.TotalSeconds;

    private static double? CpuPercent(ulong cpuBefore, ulong systemBefore, ulong cpuNow, ulong systemNow, int onlineCpus)
    {
        if (cpuNow < cpuBefore || systemNow <= systemBefore)
        {
            return null;
        }

        return (double)(cpuNow - cpuBefore) / (systemNow - systemBefore) * onlineCpus * 100.0;
    }
}
