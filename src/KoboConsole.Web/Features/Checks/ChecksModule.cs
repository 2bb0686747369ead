using KoboConsole.Web.Features.Checks.Alerts;
using KoboConsole.Web.Infrastructure.Configuration;
using KoboConsole.Web.Infrastructure.Mail;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Checks;

/// <summary>Background checks: the engine, its state history and alerts, the API.</summary>
public static class ChecksModule
{
    public static WebApplicationBuilder AddChecks(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ChecksOptions>(ChecksOptions.Section);
        builder.Services.AddSingleton<IMigrationSource, ChecksMigrations>();
        builder.Services.AddSingleton<CheckStore>();
        builder.Services.AddSingleton<RestartLoops>();
        builder.Services.AddSingleton<ServiceChecks>();
        builder.Services.AddSingleton<DataChecks>();
        builder.Services.AddSingleton<IMigrationSource, CapacityMigrations>();
        builder.Services.AddSingleton<CapacitySamples>();
        builder.Services.AddSingleton<CapacityChecks>();
        builder.Services.AddValidatedOptions<AlertsOptions>(AlertsOptions.Section);
        builder.Services.AddSingleton<IValidateOptions<AlertsOptions>, AlertsOptionsValidator>();
        builder.Services.AddSingleton<IMigrationSource, AlertsMigrations>();
        builder.Services.AddSingleton<AlertDeliveries>();
        builder.Services.AddSingleton<AlertTracks>();
        builder.Services.AddSingleton<StoredChannels>();
        builder.Services.AddSingleton<ChannelEditor>();
        builder.Services.AddSingleton<SmtpMailer>();
        builder.Services.AddSingleton<AlertChannels>();
        builder.Services.AddSingleton<CheckAlerts>();
        builder.Services.AddSingleton<ConsoleDatabaseCheck>();
        builder.Services.AddHttpClient(AlertChannels.ClientName);
        builder.Services.AddTransient<CheckPruneJob>();
        builder.Services.AddHostedService<ChecksStartup>();
        builder.Services.AddHostedService<CheckEngine>();
        return builder;
    }
}
