namespace KoboConsole.Web.Features.Runs;

internal static partial class Log
{
    [LoggerMessage(EventId = 8101, Level = LogLevel.Warning, Message = "Run {RunId} ({Kind}) of instance {Owner} was interrupted (its console process stopped); marked failed and cleaned up")]
    public static partial void RunInterrupted(ILogger logger, string runId, string kind, string owner);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Warning, Message = "Run heartbeat failed: {Reason}")]
    public static partial void HeartbeatFailed(ILogger logger, string reason);
}
