using System.ComponentModel.DataAnnotations;

namespace KoboConsole.Web.Features.Logs;

/// <summary>Live-log limits.</summary>
public sealed class LogsOptions
{
    public const string Section = "KoboConsole:Logs";

    /// <summary>Lines buffered per viewer before the oldest are dropped (and a gap item says so).</summary>
    [Range(100, 1_000_000, ErrorMessage = "use 100 to 1000000 lines.")]
    public int ViewerBuffer { get; set; } = LogSubscription.DefaultCapacity;

    /// <summary>How long a hub client may stop reading before it is disconnected (SignalR's default is 10 s).</summary>
    [Range(5, 600, ErrorMessage = "use 5 to 600 seconds.")]
    public int SlowViewerTimeoutSeconds { get; set; } = 60;

    /// <summary>Live hub streams (StreamLogs) one user may have open at once; more are refused.</summary>
    [Range(1, 100, ErrorMessage = "use 1 to 100 streams.")]
    public int MaxStreamsPerUser { get; set; } = 4;

    /// <summary>Live hub streams the whole console serves at once; more are refused.</summary>
    [Range(1, 10_000, ErrorMessage = "use 1 to 10000 streams.")]
    public int MaxStreams { get; set; } = 32;

    /// <summary>
    /// Regex matching time one stream may spend per second, averaged over <see cref="LogFilter.BudgetWindow"/>;
    /// a stream whose filter costs more ends with a notice saying the filter is too expensive.
    /// </summary>
    [Range(10, 1_000, ErrorMessage = "use 10 to 1000 milliseconds per second.")]
    public int RegexBudgetMillisecondsPerSecond { get; set; } = 100;
}
