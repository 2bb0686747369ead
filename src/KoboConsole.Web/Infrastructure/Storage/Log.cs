namespace KoboConsole.Web.Infrastructure.Storage;

internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Applied schema migration {MigrationId} ({Provider})")]
    public static partial void MigrationApplied(ILogger logger, string migrationId, StorageProvider provider);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "The console's {Provider} database is unreachable; retrying every second")]
    public static partial void DatabaseUnreachable(ILogger logger, StorageProvider provider);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "The console's database answers again")]
    public static partial void DatabaseBack(ILogger logger);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "A page could not load: the console's database is unreachable ({ExceptionType}); it loads again when the database is back")]
    public static partial void PageDatabaseUnavailable(ILogger logger, string exceptionType);

    // Logged by the pages' error boundary (Components/Shared/DatabaseErrorBoundary), which catches every failure of a page.
    [LoggerMessage(EventId = 1005, Level = LogLevel.Error, Message = "A page failed")]
    public static partial void PageFailed(ILogger logger, Exception exception);
}
