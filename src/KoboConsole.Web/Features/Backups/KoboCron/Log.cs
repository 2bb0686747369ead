namespace KoboConsole.Web.Features.Backups.KoboCron;

internal static partial class Log
{
    [LoggerMessage(EventId = 6170, Level = LogLevel.Information, Message = "kobo's {Store} backup cron switched {Direction} in {Containers} by {Actor}")]
    public static partial void Switched(ILogger logger, string store, string direction, string containers, string actor);

    [LoggerMessage(EventId = 6171, Level = LogLevel.Warning, Message = "Could not switch kobo's {Store} backup cron {Direction}: {Reason}")]
    public static partial void SwitchFailed(ILogger logger, string store, string direction, string reason);
}
