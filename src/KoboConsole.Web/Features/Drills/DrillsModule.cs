using KoboConsole.Web.Infrastructure.Configuration;

namespace KoboConsole.Web.Features.Drills;

public static class DrillsModule
{
    public static WebApplicationBuilder AddDrills(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<DrillsOptions>(DrillsOptions.Section);
        builder.Services.AddSingleton<DrillPlanner>();
        builder.Services.AddSingleton<DrillSteps>();
        builder.Services.AddSingleton<DrillJanitor>();
        builder.Services.AddSingleton<DrillRunner>();
        builder.Services.AddSingleton<DrillService>();
        builder.Services.AddTransient<DrillJob>();
        builder.Services.AddTransient<ScheduledDrillJob>();
        builder.Services.AddHostedService<DrillsStartup>();
        return builder;
    }
}
