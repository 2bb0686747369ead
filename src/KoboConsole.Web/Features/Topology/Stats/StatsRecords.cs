namespace KoboConsole.Web.Features.Topology.Stats;

/// <summary>
/// One sample: CPU in percent of one core (null for a container's first sample, which has nothing
/// to compare with), memory without page cache and its limit, network receive and send rates.
/// </summary>
public sealed record StatsPoint(
    DateTimeOffset At,
    double? CpuPercent,
    long MemoryBytes,
    long MemoryLimitBytes,
    double? NetRxBytesPerSecond,
    double? NetTxBytesPerSecond);

/// <summary>
/// The <c>GET /api/v1/containers/{id}/stats</c> answer: the container's sampled history, oldest
/// first. <see cref="Sampled"/> is false for a container outside the heavy kobo services (it has
/// no history).
/// </summary>
public sealed record ContainerStatsView(
    string Id,
    string Name,
    string Host,
    string Service,
    bool Sampled,
    int IntervalSeconds,
    IReadOnlyList<StatsPoint> Points);

/// <summary>One value of a chart's series; null is a gap.</summary>
public sealed record ChartPoint(DateTimeOffset At, double? Value);
