using Hangfire;
using KoboConsole.Web.Features.Runs;

namespace KoboConsole.Web.Features.Backups;

/// <summary>The Hangfire job: the run id only; the run's own retry policy (one rerun per item) applies, never Hangfire's.</summary>
public sealed class BackupJob(BackupRunner runner, RunRecovery recovery)
{
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Backup run {0}")]
    public Task RunAsync(string runId, CancellationToken cancellationToken)
        => recovery.GuardAsync(runId, () => runner.RunAsync(runId, cancellationToken), cancellationToken);
}
