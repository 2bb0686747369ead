namespace KoboConsole.Web.Features.Hosts;

internal static partial class Log
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Docker host {HostName} ({Endpoint}) does not answer: {Reason}")]
    public static partial void HostUnreachable(ILogger logger, string hostName, string endpoint, string reason);
}
