using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Runs;

/// <summary>What a kind of run leaves behind when its process dies (a backup: partial files, open uploads).</summary>
public interface IRunCleanup
{
    string Kind { get; }

    /// <summary>Removes what <paramref name="run"/>'s unfinished items left; writes what it did to the run's log.</summary>
    Task CleanAsync(OrphanRun run, bool atStartup, CancellationToken cancellationToken);
}

/// <summary>
/// Fails runs whose console process died (SIGKILL, power loss) and cleans what they left: at
/// start-up, and on every heartbeat for runs of other instances that stopped heartbeating.
/// SQLite allows one console per database, so at start-up every running run is an orphan;
/// with PostgreSQL a run is an orphan once its owner has missed heartbeats for <see cref="StaleAfter"/>.
/// See docs/decisions/0009-interrupted-runs.md.
/// </summary>
public sealed class RunRecovery(RunStore runs, Leases leases, IEnumerable<IRunCleanup> cleanups, ConsoleDb db, AuditLog audit, TimeProvider time, ILogger<RunRecovery> logger)
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(45);
    /// <summary>The audit actor of a refused requeue: the job cannot know who pressed the dashboard's button.</summary>
    public const string RequeueActor = "hangfire (requeue)";
    public const string Interrupted = "interrupted: the console process running it stopped (killed, crashed or restarted) while this run was going. Its incomplete files were removed; start it again.";

    /// <summary>Fails and cleans every orphan found; returns how many.</summary>
    public async Task<int> RecoverAsync(bool atStartup, CancellationToken cancellationToken)
    {
        DateTimeOffset? staleBefore = atStartup && db.Provider == StorageProvider.Sqlite ? null : time.GetUtcNow() - StaleAfter;
        var count = 0;
        foreach (var id in await runs.FindOrphansAsync(staleBefore, cancellationToken))
        {
            if (await runs.ClaimOrphanAsync(id, staleBefore, Interrupted, cancellationToken) is not { } orphan)
            {
                continue;
            }

            count++;
            Log.RunInterrupted(logger, orphan.Id, orphan.Kind, orphan.Owner ?? "unknown");
            await runs.LogAsync(orphan.Id, $"Run failed: {Interrupted}", cancellationToken);
            // Its leases die with it (they would expire on their own, minutes later).
            await leases.ReleaseHeldByAsync($"run {orphan.Id}", cancellationToken);
            foreach (var cleanup in cleanups.Where(c => c.Kind == orphan.Kind))
            {
                await cleanup.CleanAsync(orphan, atStartup, cancellationToken);
            }

            await audit.WriteAsync("system", $"{orphan.Kind}.run", $"{orphan.Kind} run {orphan.Id}", RunStates.Failed, Interrupted, cancellationToken: cancellationToken);
        }

        return count;
    }

    /// <summary>
    /// Runs a job's runner; if it throws (not a shutdown), the run it leaves queued or running, which
    /// nothing would ever finish, is failed and cleaned like an orphan, and the error goes on to Hangfire.
    /// Called by each job rather than done in a Hangfire filter: filters are process-wide, this host's
    /// run store is not (decision 0012).
    /// </summary>
    public async Task GuardAsync(string runId, Func<Task> run, CancellationToken jobToken)
    {
        await RefuseEndedAsync(runId, jobToken);
        try
        {
            await run();
        }
        catch (Exception ex) when (!jobToken.IsCancellationRequested)
        {
            try
            {
                await FailStrandedAsync(runId, ex);
            }
            catch (Exception failure) when (DatabaseOutage.Is(failure))
            {
                // The database itself is the trouble: the run stays as it is until the next start-up's recovery.
                Log.StrandedNotRecorded(logger, runId, failure.Message);
            }

            throw;
        }
    }

    /// <summary>
    /// A job whose run has already ended is a requeue (Hangfire's dashboard "Requeue" on a finished
    /// job): a run is never executed twice, so the job fails with a message saying so, in Hangfire,
    /// the run's log and the audit trail, instead of succeeding without doing anything.
    /// </summary>
    private async Task RefuseEndedAsync(string runId, CancellationToken jobToken)
    {
        if (await runs.GetAsync(runId, jobToken) is not { } ended || !RunStates.IsFinished(ended.State))
        {
            return;
        }

        var message = $"{ended.Kind} run {runId} already ended as '{ended.State}'"
            + (ended.FinishedAt is { } at ? " at " + at.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " UTC" : "")
            + $"; a run is never executed twice, so requeuing its job does nothing. Start a new {ended.Kind} from the console's page or its API instead.";
        Log.RequeueRefused(logger, runId, ended.Kind, ended.State);
        await runs.LogAsync(runId, $"Requeue refused: {message}", CancellationToken.None);
        await audit.WriteAsync(RequeueActor, $"{ended.Kind}.requeue", $"{ended.Kind} run {runId}", "refused", message, cancellationToken: CancellationToken.None);
        throw new RunAlreadyEndedException(message);
    }

    private async Task FailStrandedAsync(string runId, Exception ex)
    {
        var error = $"stopped on an unexpected error ({ex.GetType().Name}: {ex.Message}) and is not resumed. Incomplete backup files were removed; "
            + "after a restore, check maintenance mode and the stopped services. Start it again; the console's log has the details.";
        if (await runs.FailStrandedAsync(runId, error, "stopped by the run's unexpected error; the incomplete file was removed.", CancellationToken.None) is not { } run)
        {
            return;
        }

        Log.RunStranded(logger, runId, run.Kind, ex);
        await runs.LogAsync(runId, $"Run failed: {error}", CancellationToken.None);
        await leases.ReleaseHeldByAsync($"run {runId}", CancellationToken.None);
        foreach (var cleanup in cleanups.Where(c => c.Kind == run.Kind))
        {
            await cleanup.CleanAsync(run, atStartup: false, CancellationToken.None);
        }

        await audit.WriteAsync("system", $"{run.Kind}.run", $"{run.Kind} run {runId}", RunStates.Failed, error, cancellationToken: CancellationToken.None);
    }
}

/// <summary>A job was started again (requeued) for a run that has already ended; the message says what to do instead.</summary>
public sealed class RunAlreadyEndedException(string message) : InvalidOperationException(message);
