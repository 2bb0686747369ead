using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Stack;

namespace KoboConsole.Web.Features.Restores;

/// <summary>
/// What a PostgreSQL restore does to a running streaming-replication secondary, said once for the
/// API, the wizard and the run's pre-flight. pg_restore -c on the primary is ordinary SQL: it is
/// written to the primary's WAL and streamed, so the secondary replays it and keeps following (no
/// re-seeding), and serves the restored data, read-only, as soon as it has replayed it.
/// </summary>
public static class ReplicationNotice
{
    public const string CheckName = "replication";

    /// <summary>The running secondaries a restore of <paramref name="items"/> reaches; empty when no PostgreSQL database is restored.</summary>
    public static IReadOnlyList<PostgresMember> Affected(PostgresChoice choice, IEnumerable<RestoreItem> items) =>
        items.Any(i => i.Store == BackupStores.Postgres) && choice.Primary is not null ? choice.Secondaries : [];

    public static string Explain(PostgresChoice choice, IReadOnlyList<PostgresMember> secondaries)
    {
        var names = string.Join(", ", secondaries.Select(s => $"{s.Label} ({s.Role.Describe()})"));
        return $"the restore writes into the primary {choice.Primary!.Label}, which streams to the running secondary {names}. "
            + "pg_restore -c on the primary goes through its WAL like any write, so the secondary replays it and keeps following: "
            + "replication is not broken and the secondary needs no re-seeding, but it is read-only and serves the restored data as soon as it has replayed it "
            + "(anything reading from it sees the current data replaced).";
    }

    public static string Ask => "Send \"acceptReplication\": true (the wizard's replication checkbox) to restore with the secondary following.";

    public static PreflightCheck Check(PostgresChoice choice, IReadOnlyList<PostgresMember> secondaries, bool accepted) => accepted
        ? new PreflightCheck(CheckName, true, true, Explain(choice, secondaries) + " Acknowledged.")
        : new PreflightCheck(CheckName, false, true, Explain(choice, secondaries) + " " + Ask);
}
