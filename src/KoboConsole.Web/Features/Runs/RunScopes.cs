using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Runs;

/// <summary>Begins <see cref="RunScope"/>s: every runbook (backup, restore, drill, the next ones) runs inside one.</summary>
public sealed class RunScopes(RunStore runs, RunCancellation cancellation, Leases leases, AuditLog audit, TimeProvider time, ILogger<RunScope> logger)
{
    /// <summary>How often a run looks at its cancel flag and its leases; tests shorten it.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Marks the run running (owned by this instance), registers its token with <see cref="RunCancellation"/>
    /// (linked to <paramref name="jobToken"/>), cancels it at once when a cancel was asked for while it was
    /// queued, and starts watching the cancel flag and the leases. Dispose the scope when the run's code returns.
    /// </summary>
    public async Task<RunScope> BeginAsync(RunView run, CancellationToken jobToken)
    {
        var handle = cancellation.Register(run.Id, jobToken);
        var scope = new RunScope(run, runs, leases, audit, time, logger, handle, PollInterval);
        try
        {
            await runs.StartAsync(run.Id, CancellationToken.None);
        }
        catch
        {
            await scope.DisposeAsync();
            throw;
        }

        scope.Start();
        return scope;
    }
}
