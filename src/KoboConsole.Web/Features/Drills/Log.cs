namespace KoboConsole.Web.Features.Drills;

internal static partial class Log
{
    [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "Drill run {RunId} started: stores {Stores}")]
    public static partial void RunStarted(ILogger logger, string runId, string stores);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Information, Message = "Drill run {RunId} ended {State}")]
    public static partial void RunEnded(ILogger logger, string runId, string state);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Warning, Message = "Drill of {Store} in run {RunId} failed: {Reason}")]
    public static partial void StoreFailed(ILogger logger, string runId, string store, string reason);

    [LoggerMessage(EventId = 7104, Level = LogLevel.Warning, Message = "Drill clean-up on {Host} could not remove {What}: {Reason}")]
    public static partial void CleanupFailed(ILogger logger, string host, string what, string reason);

    [LoggerMessage(EventId = 7105, Level = LogLevel.Information, Message = "Removed drill leftover {What} of run {RunId} on {Host}")]
    public static partial void LeftoverRemoved(ILogger logger, string host, string what, string runId);

    [LoggerMessage(EventId = 7106, Level = LogLevel.Error, Message = "Drill of {Store} in run {RunId} failed unexpectedly")]
    public static partial void StoreCrashed(ILogger logger, Exception exception, string runId, string store);
}
