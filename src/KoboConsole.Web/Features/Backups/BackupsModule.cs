using KoboConsole.Web.Features.Backups.KoboCron;
using KoboConsole.Web.Features.Backups.Schedules;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.Configuration;
using KoboConsole.Web.Infrastructure.ObjectStorage;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Backups;

public static class BackupsModule
{
    public static WebApplicationBuilder AddBackups(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<BackupsOptions>(BackupsOptions.Section);
        builder.Services.AddValidatedOptions<S3Options>(S3Options.Section);
        builder.Services.AddValidatedOptions<RetentionOptions>(BackupsOptions.Section + ":Retention");
        builder.Services.AddSingleton<BackupPruner>();
        builder.Services.AddSingleton<BackupWebhook>();
        builder.Services.AddHttpClient(BackupWebhook.ClientName);
        builder.Services.AddSingleton<BackupPlanner>();
        builder.Services.AddSingleton<KoboBindGuard>();
        builder.Services.AddSingleton<BackupTargetResolver>();
        builder.Services.AddSingleton<BackupCatalog>();
        builder.Services.AddSingleton<MissingBackups>();
        builder.Services.AddSingleton<IMigrationSource, CatalogMigrations>();
        builder.Services.AddTransient<CatalogCheckJob>();
        builder.Services.AddHostedService<CatalogCheckStartup>();
        builder.Services.AddSingleton<SafetyMove>();
        builder.Services.AddSingleton<BackupRunner>();
        builder.Services.AddSingleton<IRunCleanup, BackupRunCleanup>();
        builder.Services.AddSingleton<S3Status>();
        builder.Services.AddHostedService<S3StartupCheck>();
        builder.Services.AddSingleton<BackupService>();
        builder.Services.AddTransient<BackupJob>();
        builder.Services.AddSingleton<IMigrationSource, SchedulesMigrations>();
        builder.Services.AddSingleton<BackupSchedules>();
        builder.Services.AddSingleton<ScheduleEditor>();
        builder.Services.AddSingleton<KoboScheduleImport>();
        builder.Services.AddTransient<ScheduledBackupJob>();
        builder.Services.AddHostedService<SchedulesStartup>();
        builder.Services.AddSingleton<KoboCronService>();
        return builder;
    }
}
