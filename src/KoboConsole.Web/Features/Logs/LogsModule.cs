using KoboConsole.Web.Infrastructure.Configuration;

namespace KoboConsole.Web.Features.Logs;

public static class LogsModule
{
    public static WebApplicationBuilder AddLogs(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<LogsOptions>(LogsOptions.Section);
        builder.Services.AddSingleton<LogPump>();
        builder.Services.AddSingleton<LogSources>();
        builder.Services.AddSingleton<LogStreamService>();
        return builder;
    }
}
