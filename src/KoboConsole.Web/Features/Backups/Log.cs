namespace KoboConsole.Web.Features.Backups;

internal static partial class Log
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Backup run {RunId} started: stores {Stores} to {Target}")]
    public static partial void RunStarted(ILogger logger, string runId, string stores, string target);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Backup run {RunId} ended {State}")]
    public static partial void RunEnded(ILogger logger, string runId, string state);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Backup item {Key} done: {Bytes} bytes, sha256 {Sha256}")]
    public static partial void ItemDone(ILogger logger, string key, long bytes, string sha256);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "Backup item {Name} failed (attempt {Attempt}): {Reason}")]
    public static partial void ItemFailed(ILogger logger, string name, int attempt, string reason);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Warning, Message = "Backup run {RunId} was already started by a console that stopped; it is failed by the start-up recovery, not resumed")]
    public static partial void RunAlreadyStarted(ILogger logger, string runId);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Warning, Message = "Could not remove what interrupted backup run {RunId} left ({Pending}): {Reason}")]
    public static partial void CleanupFailed(ILogger logger, string runId, string pending, string reason);

    [LoggerMessage(EventId = 6008, Level = LogLevel.Warning, Message = "S3 start-up check failed: {Problem} Backups to S3 will fail until this is fixed.")]
    public static partial void S3CheckFailed(ILogger logger, string problem);

    [LoggerMessage(EventId = 6009, Level = LogLevel.Information, Message = "S3 start-up check passed: {Bucket}")]
    public static partial void S3CheckPassed(ILogger logger, string bucket);

    [LoggerMessage(EventId = 6007, Level = LogLevel.Information, Message = "Removed {Count} partial backup file(s) under {Root} left by a stopped console")]
    public static partial void PartialsSwept(ILogger logger, int count, string root);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Warning, Message = "Backup {Name} on target {Target} (run {RunId}) is missing: its manifest lists it but the file or object is gone")]
    public static partial void BackupMissing(ILogger logger, string name, string target, string runId);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Warning, Message = "The hourly catalog check failed: {Reason}")]
    public static partial void CatalogCheckFailed(ILogger logger, string reason);
}
