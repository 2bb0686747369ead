using Hangfire;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Backups;

/// <summary>
/// Hourly: lists every target's catalog, which records backups whose file or object has gone
/// (<see cref="MissingBackups"/>) even when nobody opens the backups page. Safe to run twice.
/// </summary>
public sealed class CatalogCheckJob(BackupCatalog catalog, ILogger<CatalogCheckJob> logger)
{
    public const string JobId = "backup-catalog-check";

    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Backup catalog check (missing files)")]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await catalog.ListAsync(null, null, cancellationToken);
        }
        catch (Exception ex) when (ex is BackupItemException or IOException or UnauthorizedAccessException or DockerException)
        {
            // The next hour tries again; the page shows the same failure when opened.
            Log.CatalogCheckFailed(logger, ex.Message);
        }
    }
}

/// <summary>Registers the hourly catalog check with Hangfire when the console starts.</summary>
internal sealed class CatalogCheckStartup(IRecurringJobManager recurring) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<CatalogCheckJob>(CatalogCheckJob.JobId, j => j.RunAsync(CancellationToken.None), Cron.Hourly());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
