using KoboConsole.Web.Features.Upgrades.Images;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Upgrades;

public static class UpgradesModule
{
    public static WebApplicationBuilder AddUpgrades(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IMigrationSource, UpgradeMigrations>();
        builder.Services.AddSingleton<UpgradeLedger>();
        builder.Services.AddSingleton<PostgresFactsReader>();
        builder.Services.AddSingleton<UpgradeRunner>();
        builder.Services.AddSingleton<UpgradeService>();
        builder.Services.AddTransient<UpgradeJob>();
        builder.Services.AddSingleton<StackOperationRunner>();
        builder.Services.AddTransient<StackOperationJob>();
        builder.Services.AddSingleton<ImageUpdateService>();
        builder.Services.AddSingleton<ImageRecreateRunner>();
        builder.Services.AddTransient<ImageRecreateJob>();
        return builder;
    }
}
