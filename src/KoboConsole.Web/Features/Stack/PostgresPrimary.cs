using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Stack;

/// <summary>A running PostgreSQL container and the replication role its environment gives it.</summary>
public sealed record PostgresMember(KoboContainer Container, PostgresRole Role)
{
    public string Label => $"{Container.Name} on {Container.Host}";
}

/// <summary>
/// The primary chosen among the running PostgreSQL containers, the others (secondaries, unknown
/// roles), or the reason no primary can be chosen (<see cref="Problem"/>, safe to show).
/// </summary>
public sealed record PostgresChoice(PostgresMember? Primary, IReadOnlyList<PostgresMember> Others, string? Problem)
{
    public IReadOnlyList<PostgresMember> Secondaries => Others.Where(o => o.Role.IsSecondary).ToList();

    /// <summary>"kobobe-postgres-1 on main (primary: KOBO_POSTGRES_DB_SERVER_ROLE=primary; the secondary ... is left alone)", or the problem.</summary>
    public string Describe() => Primary is null ? Problem ?? "no primary" : $"{Primary.Label} ({Why()})";

    /// <summary>Why the primary was chosen and what was left alone: "primary: KOBO_POSTGRES_DB_SERVER_ROLE=primary; the secondary ... is left alone".</summary>
    public string Why() => Primary is null
        ? Problem ?? "no primary"
        : Primary.Role.Describe() + string.Concat(Others.Select(o => $"; {(o.Role.IsSecondary ? "the secondary" : "the container")} {o.Label} ({o.Role.Describe()}) is left alone"));
}

/// <summary>
/// The one place that decides which PostgreSQL container backups, restores and drills work on: the
/// primary (kobo's <c>primary</c>/<c>master</c>, or a server with no role), never a secondary (a
/// read-only standby) and never a container whose role word the console does not know.
/// </summary>
public sealed class PostgresPrimary(IDockerHosts hosts)
{
    /// <summary>Inspects every running postgres container for its role and chooses.</summary>
    /// <param name="purpose">What the caller does ("back up", "restore", "drill"), for the messages.</param>
    /// <remarks>Never throws for Docker: a container that cannot be inspected makes a <see cref="PostgresChoice.Problem"/> (its role is unknown, so no choice is safe).</remarks>
    public async Task<PostgresChoice> ChooseAsync(StackSnapshot snapshot, string purpose, CancellationToken cancellationToken)
    {
        var members = new List<PostgresMember>();
        foreach (var c in snapshot.Service("postgres").Where(c => c.Running))
        {
            try
            {
                var details = await hosts.Get(c.Host).InspectContainerAsync(c.Id, cancellationToken);
                members.Add(new PostgresMember(c, PostgresRole.Of(details.Env)));
            }
            catch (ContainerNotFoundException)
            {
                // Removed since the list: it is not running any more.
            }
            catch (DockerException ex)
            {
                return new PostgresChoice(null, members, $"the role of {c.Name} on {c.Host} cannot be read ({ex.Message}), so the primary cannot be told apart; check that the Docker host answers, then {purpose} again.");
            }
        }

        return Choose(members, purpose);
    }

    public static PostgresChoice Choose(IReadOnlyList<PostgresMember> running, string purpose)
    {
        if (running.Count == 0)
        {
            return new PostgresChoice(null, [], $"no running 'postgres' container was found on any Docker host; start it, or check KoboConsole:Docker:Hosts and KoboConsole:Stack:Prefix.");
        }

        var primaries = running.Where(m => m.Role.IsPrimary).ToList();
        var others = running.Except(primaries).ToList();
        if (primaries.Count == 1)
        {
            return new PostgresChoice(primaries[0], others, null);
        }

        if (primaries.Count > 1)
        {
            var projects = primaries.Select(m => m.Container.Project).Distinct(StringComparer.Ordinal).ToList();
            return new PostgresChoice(null, running, projects.Count > 1
                ? $"several kobo installs have a running 'postgres' ({string.Join(", ", projects)}); set KoboConsole:Stack:Prefix to the one to {purpose}."
                : $"{primaries.Count} running postgres containers are each a primary ({string.Join("; ", primaries.Select(p => $"{p.Label}: {p.Role.Describe()}"))}); "
                  + $"set {PostgresRole.Variable}=secondary on the standby in kobo's env file (or stop the one that is not in use), then {purpose} again.");
        }

        var unknown = others.Where(m => m.Role.Kind == ReplicationRole.Unknown).ToList();
        if (unknown.Count > 0)
        {
            return new PostgresChoice(null, running,
                $"{string.Join("; ", unknown.Select(u => $"{u.Label} has {PostgresRole.Variable}={u.Role.Word}"))}: none of primary, master, secondary, slave, so the console never picks it automatically "
                + $"to {purpose} (it might be a standby). Set the role to primary (or master) in kobo's env file if it is the primary.");
        }

        return new PostgresChoice(null, running,
            $"only the secondary {string.Join(", ", others.Select(o => $"{o.Label} ({o.Role.Describe()})"))} runs: a read-only standby is never used to {purpose}. "
            + "Start its primary, or add the primary's Docker host to KoboConsole:Docker:Hosts.");
    }
}
