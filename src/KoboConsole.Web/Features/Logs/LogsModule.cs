using KoboConsole.Web.Infrastructure.Configuration;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Logs;

public static class LogsModule
{
    public static WebApplicationBuilder AddLogs(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<LogsOptions>(LogsOptions.Section);
        // Followed sources need a thread pool that starts large: set for the process in Directory.Build.props.
        builder.Services.AddSingleton<LogPump>();
        builder.Services.AddSingleton<LogSources>();
        builder.Services.AddSingleton<LogStreamService>();
        builder.Services.AddSingleton<LogStreamLimits>();
        return builder;
    }

    /// <summary>
    /// The hub at /hubs/logs. SignalR closes a connection whose send has waited 10 s by default;
    /// a viewer that stops reading for longer keeps its connection up to the configured time,
    /// losing only its oldest lines meanwhile (counted in a gap item), its memory bounded by the buffer.
    /// </summary>
    public static HubEndpointConventionBuilder MapLogsHub(this WebApplication app)
    {
        var timeout = TimeSpan.FromSeconds(app.Services.GetRequiredService<IOptions<LogsOptions>>().Value.SlowViewerTimeoutSeconds);
        return app.MapHub<LogsHub>("/hubs/logs", o => o.TransportSendTimeout = timeout);
    }
}
