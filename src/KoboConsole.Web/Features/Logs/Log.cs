namespace KoboConsole.Web.Features.Logs;

internal static partial class Log
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Debug, Message = "Log reader started for {Source}")]
    public static partial void ReaderStarted(ILogger logger, LogSourceKey source);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Debug, Message = "Log reader stopped for {Source}")]
    public static partial void ReaderStopped(ILogger logger, LogSourceKey source);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Log reader for {Source} lost its Docker host: {Reason}")]
    public static partial void Reconnecting(ILogger logger, LogSourceKey source, string reason);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Log reader for {Source} failed: {Reason}")]
    public static partial void ReaderFailed(ILogger logger, LogSourceKey source, string reason);
}
