namespace KoboConsole.Web.Infrastructure.Docker;

/// <summary>Docker adapter log events. Environment values are never logged: they hold secrets.</summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Debug, "Docker client created for host {HostName} at {Endpoint}")]
    public static partial void ClientCreated(ILogger logger, string hostName, string endpoint);

    [LoggerMessage(1002, LogLevel.Warning, "Docker host {HostName} at {Endpoint} is unreachable: {Reason}")]
    public static partial void HostUnreachable(ILogger logger, string hostName, string endpoint, string reason);

    [LoggerMessage(1003, LogLevel.Warning, "Docker host {HostName} failed to {Operation} (HTTP {StatusCode}): {DaemonMessage}")]
    public static partial void OperationFailed(ILogger logger, string hostName, string operation, int? statusCode, string daemonMessage);

    [LoggerMessage(1004, LogLevel.Debug, "Exec {ExecId} of {Program} started in container {ContainerId} on {HostName}")]
    public static partial void ExecStarted(ILogger logger, string hostName, string containerId, string execId, string program);

    [LoggerMessage(1005, LogLevel.Debug, "Exec {ExecId} on {HostName} exited with {ExitCode}")]
    public static partial void ExecExited(ILogger logger, string hostName, string execId, int exitCode);

    [LoggerMessage(1006, LogLevel.Information, "Container {ContainerId} on {HostName} changed: {Action}")]
    public static partial void ContainerChanged(ILogger logger, string hostName, string containerId, string action);
}
