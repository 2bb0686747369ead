using Hangfire;
using KoboConsole.Web.Features.Runs;

namespace KoboConsole.Web.Features.Restores;

/// <summary>The Hangfire job: the run id only; never retried (a restore must not run twice on its own).</summary>
public sealed class RestoreJob(RestoreRunner runner, RunRecovery recovery)
{
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Restore run {0}")]
    public Task RunAsync(string runId, CancellationToken cancellationToken)
        => recovery.GuardAsync(runId, () => runner.RunAsync(runId, cancellationToken), cancellationToken);
}
