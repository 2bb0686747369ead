using System.Text.Json;
using Hangfire;
using KoboConsole.Web.Features.Runs;

namespace KoboConsole.Web.Features.Backups.Schedules;

/// <summary>A schedule's occurrence: a new backup run, executed in this job (ids only, no automatic retries).</summary>
public sealed class ScheduledBackupJob(BackupSchedules schedules, RunStore runs, BackupRunner runner, RunRecovery recovery)
{
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Scheduled backup {0}")]
    public async Task RunAsync(string scheduleId, CancellationToken cancellationToken)
    {
        if (await schedules.GetAsync(scheduleId, cancellationToken) is not { Enabled: true } schedule)
        {
            return;
        }

        var request = JsonSerializer.Serialize(new StartBackupRequest(schedule.Stores, schedule.Target), BackupManifest.Json);
        var runId = await runs.CreateAsync(BackupRunner.Kind, $"schedule {schedule.Id}", request, cancellationToken);
        await recovery.GuardAsync(runId, () => runner.RunAsync(runId, cancellationToken), cancellationToken);
    }
}
