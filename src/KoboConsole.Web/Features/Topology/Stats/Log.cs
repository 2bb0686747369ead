namespace KoboConsole.Web.Features.Topology.Stats;

internal static partial class Log
{
    [LoggerMessage(EventId = 5101, Level = LogLevel.Debug, Message = "Could not read the stats of {ContainerName} on {HostName}: {Reason}")]
    public static partial void StatsReadFailed(ILogger logger, string containerName, string hostName, string reason);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "A container stats round failed: {Reason}; trying again in a minute")]
    public static partial void StatsRoundFailed(ILogger logger, string reason);
}
