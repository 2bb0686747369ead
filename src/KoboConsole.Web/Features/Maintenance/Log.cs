namespace KoboConsole.Web.Features.Maintenance;

internal static partial class Log
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "{Action} by {Actor} succeeded in {ElapsedMs} ms ({CheckedVia})")]
    public static partial void Toggled(ILogger logger, string action, string actor, long elapsedMs, string checkedVia);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "{Action} by {Actor} failed: {Message}")]
    public static partial void ToggleFailed(ILogger logger, string action, string actor, string message);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Prepared maintenance container {Name} on host {Host} for nginx {Nginx}")]
    public static partial void Prepared(ILogger logger, string name, string host, string nginx);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Information, Message = "Removed prepared maintenance container {Id} on host {Host}: {Why}")]
    public static partial void PreparedRemoved(ILogger logger, string id, string host, string why);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Warning, Message = "Could not prepare the maintenance container on host {Host}: {Message}")]
    public static partial void PrepareFailed(ILogger logger, string host, string message);

    /// <summary>One step of a switch done, at a monotonic clock in ms (tests/benchmarks/maintenance-swap.sh lists the steps).</summary>
    public static void Step(ILogger logger, string step) => StepAt(logger, step, System.Diagnostics.Stopwatch.GetTimestamp() * 1000 / System.Diagnostics.Stopwatch.Frequency);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Debug, Message = "Maintenance switch step done at {ClockMs} ms: {Step}")]
    private static partial void StepAt(ILogger logger, string step, long clockMs);
}
