using KoboConsole.Web.Features.Maintenance.KoboInstall;
using KoboConsole.Web.Infrastructure.Configuration;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Maintenance;

public static class MaintenanceModule
{
    public static WebApplicationBuilder AddMaintenance(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<MaintenanceOptions>(MaintenanceOptions.Section);
        builder.Services.AddSingleton<MaintenanceProbe>();
        builder.Services.AddSingleton<EdgeCheck>();
        builder.Services.AddSingleton<EdgeCertificates>();
        builder.Services.AddSingleton<MaintenanceSwitch>();
        builder.Services.AddSingleton<KoboInstallConfig>();
        builder.Services.AddSingleton<MaintenanceService>();
        builder.Services.AddHostedService<MaintenancePreparer>();
        builder.Services.AddSingleton<MaintenanceWindows>();
        builder.Services.AddTransient<MaintenanceWindowJobs>();
        builder.Services.AddSingleton<IMigrationSource, MaintenanceMigrations>();
        return builder;
    }
}
