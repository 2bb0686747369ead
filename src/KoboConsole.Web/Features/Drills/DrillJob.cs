using Hangfire;
using KoboConsole.Web.Features.Runs;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Drills;

/// <summary>The Hangfire job of one drill run: the run id only, never retried (a failed drill is a finding, not a glitch).</summary>
public sealed class DrillJob(DrillRunner runner, RunRecovery recovery)
{
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Restore drill {0}")]
    public Task RunAsync(string runId, CancellationToken cancellationToken)
        => recovery.GuardAsync(runId, () => runner.RunAsync(runId, cancellationToken), cancellationToken);
}

/// <summary>The schedule's occurrence (KoboConsole:Drills:Schedule): a new drill run by actor "schedule", executed here.</summary>
public sealed class ScheduledDrillJob(DrillService drills, DrillRunner runner, RunRecovery recovery, IOptionsMonitor<DrillsOptions> options, IRecurringJobManager recurring)
{
    public const string JobId = "drill-schedule";

    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Scheduled restore drill")]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.CurrentValue.Schedule))
        {
            // The schedule was unset since this job was registered: it ends here, for good.
            recurring.RemoveIfExists(JobId);
            return;
        }

        var runId = await drills.CreateAsync(options.CurrentValue.StoresForSchedule, DrillService.ScheduleActor, cancellationToken);
        await recovery.GuardAsync(runId, () => runner.RunAsync(runId, cancellationToken), cancellationToken);
    }
}
