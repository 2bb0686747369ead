namespace KoboConsole.Web.Features.Backups;

/// <summary>
/// When an S3 bucket is configured, puts, reads and deletes a probe object once in the background
/// at start: a wrong key or an unreachable endpoint shows in the log, on the Backups page and in
/// /readyz before the first scheduled backup fails. It never stops the console from starting.
/// </summary>
public sealed class S3StartupCheck(BackupTargetResolver targets, S3Status status, TimeProvider time, ILogger<S3StartupCheck> logger) : BackgroundService
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!targets.S3Configured)
        {
            return;
        }

        status.Report(S3Status.States.Checking, null, null);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(Timeout);
        try
        {
            using var target = (S3Target)await targets.GetAsync(BackupTargets.S3, timeout.Token);
            await target.ProbeAsync(timeout.Token);
            status.Report(S3Status.States.Ok, null, time.GetUtcNow());
            Log.S3CheckPassed(logger, target.Store.Description);
        }
        catch (BackupItemException ex)
        {
            status.Report(S3Status.States.Failed, ex.Message, time.GetUtcNow());
            Log.S3CheckFailed(logger, ex.Message);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            var problem = $"the S3 check did not finish within {Timeout.TotalSeconds:0} s; check KoboConsole:Backups:S3:ServiceUrl/Region and the network.";
            status.Report(S3Status.States.Failed, problem, time.GetUtcNow());
            Log.S3CheckFailed(logger, problem);
        }
    }
}
