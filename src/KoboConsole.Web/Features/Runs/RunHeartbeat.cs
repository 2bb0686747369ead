using System.Data.Common;

namespace KoboConsole.Web.Features.Runs;

/// <summary>Heartbeats this instance's runs and fails other instances' orphans, every <see cref="RunRecovery.HeartbeatInterval"/>.</summary>
public sealed class RunHeartbeat(RunStore runs, RunRecovery recovery, ILogger<RunHeartbeat> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RunRecovery.HeartbeatInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await runs.HeartbeatAsync(stoppingToken);
                await recovery.RecoverAsync(atStartup: false, stoppingToken);
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException or IOException)
            {
                // The database is away (the banner says so); the next tick tries again.
                Log.HeartbeatFailed(logger, ex.Message);
            }
        }
    }
}
