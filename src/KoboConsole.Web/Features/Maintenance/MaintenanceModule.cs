using KoboConsole.Web.Infrastructure.Configuration;

namespace KoboConsole.Web.Features.Maintenance;

public static class MaintenanceModule
{
    public static WebApplicationBuilder AddMaintenance(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<MaintenanceOptions>(MaintenanceOptions.Section);
        builder.Services.AddSingleton<MaintenanceProbe>();
        builder.Services.AddSingleton<MaintenanceSwitch>();
        builder.Services.AddSingleton<MaintenanceService>();
        return builder;
    }
}
