namespace KoboConsole.Web.Features.Maintenance.KoboInstall;

internal static partial class Log
{
    [LoggerMessage(EventId = 6180, Level = LogLevel.Information, Message = "kobo-install's {Path}: maintenance_enabled set to {Enabled}")]
    public static partial void RunConfUpdated(ILogger logger, string path, bool enabled);

    [LoggerMessage(EventId = 6181, Level = LogLevel.Warning, Message = "kobo-install's maintenance_enabled not kept in step (wanted {Enabled}): {Problem}")]
    public static partial void RunConfNotInStep(ILogger logger, bool enabled, string problem);
}
