using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Runs;

/// <summary>Runs shared by backups, restores, drills and maintenance: state, items, log, cancel.</summary>
public static class RunsModule
{
    public static WebApplicationBuilder AddRuns(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IMigrationSource, RunsMigrations>();
        builder.Services.AddSingleton<RunStore>();
        builder.Services.AddSingleton<RunCancellation>();
        builder.Services.AddSingleton<RunCancelRequests>();
        builder.Services.AddSingleton<RunScopes>();
        builder.Services.AddSingleton<RunWatch>();
        builder.Services.AddSingleton<ConsoleInstance>();
        builder.Services.AddSingleton<RunRecovery>();
        builder.Services.AddHostedService<RunHeartbeat>();
        return builder;
    }
}
