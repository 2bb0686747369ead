namespace KoboConsole.Web.Features.Checks;

internal static partial class Log
{
    [LoggerMessage(EventId = 9201, Level = LogLevel.Information, Message = "Check {Check}:{Target} is now {State}")]
    public static partial void StateChanged(ILogger logger, string check, string target, string state);

    [LoggerMessage(EventId = 9202, Level = LogLevel.Information, Message = "Alert {Event} for {Check}:{Target} sent on channel {Channel}")]
    public static partial void AlertSent(ILogger logger, string @event, string check, string target, string channel);

    [LoggerMessage(EventId = 9203, Level = LogLevel.Warning, Message = "Alert {Event} for {Check}:{Target} was not delivered on channel {Channel}: {Reason}")]
    public static partial void AlertFailed(ILogger logger, string @event, string check, string target, string channel, string reason);

    [LoggerMessage(EventId = 9204, Level = LogLevel.Warning, Message = "A round of {Group} checks failed: {Reason}")]
    public static partial void RoundFailed(ILogger logger, string group, string reason);

    [LoggerMessage(EventId = 9205, Level = LogLevel.Information, Message = "This console instance ({Instance}) now runs the background checks")]
    public static partial void Leading(ILogger logger, string instance);

    [LoggerMessage(EventId = 9206, Level = LogLevel.Information, Message = "Pruned {Count} check state changes older than {Days} days")]
    public static partial void Pruned(ILogger logger, int count, int days);

    [LoggerMessage(EventId = 9207, Level = LogLevel.Warning, Message = "The delivery on channel {Channel} could not be written to the delivery log: {Reason}")]
    public static partial void DeliveryNotRecorded(ILogger logger, string channel, string reason);

    [LoggerMessage(EventId = 9208, Level = LogLevel.Warning, Message = "Check console:database is failing and cannot be stored: {Reason}")]
    public static partial void DatabaseFailing(ILogger logger, string reason);

    [LoggerMessage(EventId = 9209, Level = LogLevel.Warning, Message = "The alert channels stored in the console's database cannot be read; alerts go to the configured ones only: {Reason}")]
    public static partial void StoredChannelsUnreadable(ILogger logger, string reason);

    [LoggerMessage(EventId = 9210, Level = LogLevel.Information, Message = "Alert channel {Channel} {Action} by {Actor}")]
    public static partial void ChannelChanged(ILogger logger, string channel, string action, string actor);
}
