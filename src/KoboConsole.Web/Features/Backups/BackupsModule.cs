using KoboConsole.Web.Infrastructure.Configuration;
using KoboConsole.Web.Infrastructure.ObjectStorage;

namespace KoboConsole.Web.Features.Backups;

public static class BackupsModule
{
    public static WebApplicationBuilder AddBackups(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<BackupsOptions>(BackupsOptions.Section);
        builder.Services.AddValidatedOptions<S3Options>(S3Options.Section);
        builder.Services.AddValidatedOptions<RetentionOptions>(BackupsOptions.Section + ":Retention");
        builder.Services.AddSingleton<BackupPruner>();
        builder.Services.AddSingleton<BackupPlanner>();
        builder.Services.AddSingleton<BackupTargetResolver>();
        builder.Services.AddSingleton<BackupCatalog>();
        builder.Services.AddSingleton<BackupRunner>();
        builder.Services.AddSingleton<BackupService>();
        builder.Services.AddTransient<BackupJob>();
        return builder;
    }
}
