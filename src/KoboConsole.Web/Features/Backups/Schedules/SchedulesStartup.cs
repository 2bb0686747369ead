namespace KoboConsole.Web.Features.Backups.Schedules;

/// <summary>Registers every stored schedule with Hangfire when the console starts.</summary>
internal sealed class SchedulesStartup(IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Migrations run in StartupTasks before the app serves; the table exists by now.
        await services.GetRequiredService<BackupSchedules>().SyncAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
