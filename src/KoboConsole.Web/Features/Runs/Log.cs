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
}
