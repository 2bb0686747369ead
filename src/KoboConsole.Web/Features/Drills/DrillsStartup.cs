using Hangfire;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Drills;

/// <summary>
/// At start: the drill schedule becomes a Hangfire recurring job (off by default), and drill leftovers of this console are removed in the background (an unreachable
/// Docker host must not delay the start).
/// </summary>
internal sealed class DrillsStartup(IRecurringJobManager recurring, IOptionsMonitor<DrillsOptions> options, DrillJanitor janitor, ILogger<DrillsStartup> logger) : BackgroundService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Unset: a job left from an earlier configuration goes now, so the jobs dashboard does not
        // list a schedule that no longer exists (the job also removes itself if it fires first).
        var o = options.CurrentValue;
        if (string.IsNullOrWhiteSpace(o.Schedule))
        {
            recurring.RemoveIfExists(ScheduledDrillJob.JobId);
        }
        else
        {
            recurring.AddOrUpdate<ScheduledDrillJob>(ScheduledDrillJob.JobId, j => j.RunAsync(CancellationToken.None), o.Schedule.Trim(),
                new RecurringJobOptions { TimeZone = Backups.Schedules.ScheduleRules.Zone(o.TimeZone) ?? TimeZoneInfo.Utc });
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await janitor.SweepAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (System.Data.Common.DbException ex)
        {
            Log.CleanupFailed(logger, "all hosts", "drill leftovers", ex.Message);
        }
    }
}
