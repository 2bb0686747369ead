namespace KoboConsole.Web.Features.Maintenance;

internal static partial class Log
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "{Action} by {Actor} succeeded in {ElapsedMs} ms ({CheckedVia})")]
    public static partial void Toggled(ILogger logger, string action, string actor, long elapsedMs, string checkedVia);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "{Action} by {Actor} failed: {Message}")]
    public static partial void ToggleFailed(ILogger logger, string action, string actor, string message);
}
