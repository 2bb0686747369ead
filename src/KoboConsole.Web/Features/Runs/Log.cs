namespace KoboConsole.Web.Features.Runs;

internal static partial class Log
{
    [LoggerMessage(EventId = 8101, Level = LogLevel.Warning, Message = "Run {RunId} ({Kind}) of instance {Owner} was interrupted (its console process stopped); marked failed and cleaned up")]
    public static partial void RunInterrupted(ILogger logger, string runId, string kind, string owner);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Warning, Message = "Run heartbeat failed: {Reason}")]
    public static partial void HeartbeatFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 8103, Level = LogLevel.Error, Message = "Run {RunId} ({Kind}) stopped on an unexpected error; marked failed and cleaned up")]
    public static partial void RunStranded(ILogger logger, string runId, string kind, Exception exception);

    [LoggerMessage(EventId = 8104, Level = LogLevel.Warning, Message = "Run {RunId} stopped on an error and could not be marked failed: {Reason}")]
    public static partial void StrandedNotRecorded(ILogger logger, string runId, string reason);

    [LoggerMessage(EventId = 8105, Level = LogLevel.Warning, Message = "Run {RunId} lost its lease {Lease} to another holder; the run is stopped")]
    public static partial void LeaseLost(ILogger logger, string runId, string lease);

    [LoggerMessage(EventId = 8106, Level = LogLevel.Error, Message = "Run {RunId} ended, but one of its ending hooks (metrics, webhook) failed")]
    public static partial void EndingHookFailed(ILogger logger, string runId, Exception exception);

    [LoggerMessage(EventId = 8107, Level = LogLevel.Warning, Message = "Reading the runs for live pages failed: {Reason}; trying again in a second")]
    public static partial void WatchFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 8108, Level = LogLevel.Warning, Message = "A page following runs failed on a change ({ExceptionType}: {Reason}); the others are told")]
    public static partial void WatchSubscriberFailed(ILogger logger, string exceptionType, string reason);

    [LoggerMessage(EventId = 8109, Level = LogLevel.Warning, Message = "A job for run {RunId} ({Kind}) was started again although the run ended as {State} (a requeue); refused")]
    public static partial void RequeueRefused(ILogger logger, string runId, string kind, string state);
}
