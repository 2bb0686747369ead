namespace KoboConsole.Web.Features.Restores;

internal static partial class Log
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Restore run {RunId} started: backups {BackupIds}")]
    public static partial void RunStarted(ILogger logger, string runId, string backupIds);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Restore run {RunId} ended {State} (failed step: {FailedStep})")]
    public static partial void RunEnded(ILogger logger, string runId, string state, string failedStep);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Error, Message = "Restore run {RunId}: unexpected failure in step {Step}")]
    public static partial void UnexpectedFailure(ILogger logger, string runId, string step, Exception exception);
}
