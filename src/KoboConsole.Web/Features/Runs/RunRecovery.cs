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
}
