namespace KoboConsole.Web.Infrastructure.Configuration;

internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Environment variable {Name} matches no KoboConsole setting and is ignored; check its spelling against the README's configuration table")]
    public static partial void UnknownSetting(ILogger logger, string name);
}
