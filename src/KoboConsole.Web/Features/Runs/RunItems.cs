namespace KoboConsole.Web.Features.Runs;

/// <summary>
/// The items of one run (a file backed up, a store restored, a store drilled), updated by what
/// happened to them. The ending states (succeeded, failed, cancelled) are recorded whatever the
/// run's token says: a cancelled run still tells why each item ended.
/// </summary>
public sealed class RunItems(RunStore runs, string runId)
{
    /// <summary>Adds a queued item; returns its sequence number.</summary>
    public Task<int> AddAsync(string store, string name, CancellationToken cancellationToken)
        => runs.AddItemAsync(runId, store, name, cancellationToken);

    public Task StartedAsync(int seq, CancellationToken cancellationToken) => StartedAsync(seq, backupId: null, cancellationToken);

    /// <summary>Running, nothing written yet; <paramref name="backupId"/> names the backup it reads, when there is one.</summary>
    public Task StartedAsync(int seq, string? backupId, CancellationToken cancellationToken)
        => runs.UpdateItemAsync(runId, seq, RunStates.Running, 0, null, backupId, null, cancellationToken);

    /// <summary>Still running, <paramref name="bytes"/> so far.</summary>
    public Task ProgressAsync(int seq, long bytes, CancellationToken cancellationToken)
        => ProgressAsync(seq, bytes, sha256: null, backupId: null, cancellationToken);

    public Task ProgressAsync(int seq, long bytes, string? sha256, string? backupId, CancellationToken cancellationToken)
        => runs.UpdateItemAsync(runId, seq, RunStates.Running, bytes, sha256, backupId, null, cancellationToken);

    /// <summary>What must be removed if the process dies before the item ends (see <see cref="RunRecovery"/>).</summary>
    public Task PendingAsync(int seq, string? pending, CancellationToken cancellationToken)
        => runs.SetItemPendingAsync(runId, seq, pending, cancellationToken);

    public Task SucceededAsync(int seq, long bytes, string? sha256, string? backupId)
        => runs.UpdateItemAsync(runId, seq, RunStates.Succeeded, bytes, sha256, backupId, null, CancellationToken.None);

    /// <summary>Failed, with the reason a person reads (what went wrong and what to do).</summary>
    public Task FailedAsync(int seq, string reason, long bytes = 0, string? backupId = null)
        => runs.UpdateItemAsync(runId, seq, RunStates.Failed, bytes, null, backupId, reason, CancellationToken.None);

    /// <summary>Cancelled, or never started because the run was cancelled first.</summary>
    public Task CancelledAsync(int seq, string reason, string? backupId = null)
        => runs.UpdateItemAsync(runId, seq, RunStates.Cancelled, 0, null, backupId, reason, CancellationToken.None);
}
