namespace KoboConsole.Web.Infrastructure.Storage;

internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Applied schema migration {MigrationId} ({Provider})")]
    public static partial void MigrationApplied(ILogger logger, string migrationId, StorageProvider provider);
}
