namespace KoboConsole.Web.Features.Topology;

internal static partial class Log
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Could not inspect container {ContainerId} on {HostName}: {Reason}")]
    public static partial void InspectFailed(ILogger logger, string containerId, string hostName, string reason);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "{Actor} asked to {Action} container {ContainerName} on {HostName}: {Outcome}")]
    public static partial void ContainerAction(ILogger logger, string actor, string action, string containerName, string hostName, string outcome);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Event stream of Docker host {HostName} broke: {Reason}; reconnecting")]
    public static partial void EventStreamBroken(ILogger logger, string hostName, string reason);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Event stream of Docker host {HostName} is connected")]
    public static partial void EventStreamConnected(ILogger logger, string hostName);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "A live topology subscriber failed ({ExceptionType}: {Reason}); the others are still notified")]
    public static partial void SubscriberFailed(ILogger logger, string exceptionType, string reason);
}
