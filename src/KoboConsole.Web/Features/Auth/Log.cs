namespace KoboConsole.Web.Features.Auth;

internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Created the bootstrap admin {Username} from configuration")]
    public static partial void BootstrapAdminCreated(ILogger logger, string username);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "No user exists yet: open /setup in a browser to create the first admin, or set KoboConsole__Auth__BootstrapAdmin__Username and __Password")]
    public static partial void NoUsersYet(ILogger logger);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Login {Outcome} for {Username} from {RemoteIp}")]
    public static partial void LoginAttempt(ILogger logger, LoginOutcome outcome, string username, string? remoteIp);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "API token {TokenName} created for {Username}")]
    public static partial void TokenCreated(ILogger logger, string tokenName, string username);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Could not check the open session of {Username}: the console's database is unreachable; checking again in a moment")]
    public static partial void SessionCheckDeferred(ILogger logger, string? username);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Could not re-check the open hub connections: the console's database is unreachable; checking again in a moment")]
    public static partial void SessionSweepDeferred(ILogger logger);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "Ended a live connection of user {UserId} (token {TokenId}): {Reason}")]
    public static partial void SessionEnded(ILogger logger, long userId, long? tokenId, string reason);
}
