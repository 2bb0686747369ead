using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.Configuration;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Restores;

public static class RestoresModule
{
    public static WebApplicationBuilder AddRestores(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<RestoresOptions>(RestoresOptions.Section);
        builder.Services.AddSingleton<IMigrationSource, RestoreMigrations>();
        builder.Services.AddSingleton<RestoreLedger>();
        builder.Services.AddSingleton<RestoreSources>();
        builder.Services.AddSingleton<RestoreContainers>();
        builder.Services.AddSingleton<RestorePreflight>();
        builder.Services.AddSingleton<HealthGate>();
        builder.Services.AddSingleton<RestoreRunner>();
        builder.Services.AddSingleton<RestoreService>();
        builder.Services.AddTransient<RestoreJob>();
        builder.Services.AddSingleton<IRunSteps, Wizard.RestoreRunSteps>();
        return builder;
    }
}
