using KoboConsole.Web.Features.Audit;

namespace KoboConsole.Web.Features.Runs;

/// <summary>
/// A cancel asked for by someone (API, backups page, restore wizard): the database flag for runs on
/// other instances, the token of a run in this process, and the audit line.
/// </summary>
public sealed class RunCancelRequests(RunStore runs, RunCancellation cancellation, AuditLog audit)
{
    /// <summary>False when the run had already finished (nothing is cancelled or audited).</summary>
    public async Task<bool> RequestAsync(string runId, string kind, string actor, CancellationToken cancellationToken)
    {
        if (!await runs.RequestCancelAsync(runId, cancellationToken))
        {
            return false;
        }

        cancellation.Cancel(runId);
        await audit.WriteAsync(actor, "run.cancel", $"{kind} run {runId}", "requested", cancellationToken: cancellationToken);
        return true;
    }
}
