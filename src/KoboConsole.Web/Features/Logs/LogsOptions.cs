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
}
