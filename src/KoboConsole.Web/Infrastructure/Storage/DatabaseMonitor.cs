using System.Data.Common;
using Dapper;

namespace KoboConsole.Web.Infrastructure.Storage;

/// <summary>Asks the console's database <c>SELECT 1</c> every few seconds (every second while it is away) and reports to <see cref="DatabaseHealth"/>.</summary>
public sealed class DatabaseMonitor(ConsoleDb db, DatabaseHealth health, TimeProvider time, ILogger<DatabaseMonitor> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan IntervalWhileDown = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var reachable = await CheckAsync(stoppingToken);
            if (reachable != health.Reachable)
            {
                if (reachable)
                {
                    Log.DatabaseBack(logger);
                }
                else
                {
                    Log.DatabaseUnreachable(logger, db.Provider);
                    db.ClearPool();
                }
            }

            health.Report(reachable, time.GetUtcNow());
            await Task.Delay(reachable ? Interval : IntervalWhileDown, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task<bool> CheckAsync(CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(CheckTimeout);
        try
        {
            await using var c = await db.OpenAsync(timeout.Token);
            return await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT 1", cancellationToken: timeout.Token)) == 1;
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException or OperationCanceledException or IOException)
        {
            return false;
        }
    }
}
