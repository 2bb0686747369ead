using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Backups;

/// <summary>
/// Refuses a disk target that shares a folder with a kobo container's bind mount: kobo's cron
/// scripts delete backups in the folders they see (<c>rm -rf *.pg_dump</c>, <c>*.gz</c>, <c>*.rdb</c> in
/// <c>/srv/backups</c>), and any other bound folder belongs to kobo, not to the console.
/// </summary>
public sealed class KoboBindGuard(StackDiscovery discovery, IDockerHosts hosts)
{
    /// <summary>Why <paramref name="root"/> must not hold the console's backups; null when no kobo container binds it or anything inside or around it.</summary>
    public async Task<string?> ProblemAsync(string root, CancellationToken cancellationToken)
    {
        var snapshot = await discovery.DiscoverAsync(false, cancellationToken);
        foreach (var container in snapshot.Containers)
        {
            ContainerDetails details;
            try
            {
                details = await hosts.Get(container.Host).InspectContainerAsync(container.Id, cancellationToken);
            }
            catch (ContainerNotFoundException)
            {
                continue; // removed since it was listed
            }

            foreach (var mount in details.Mounts.Where(m => m.Type == "bind" && m.Source.Length > 0))
            {
                if (Relation(root, mount.Source) is { } relation)
                {
                    return $"the disk target {root} {relation} {mount.Source}, which kobo's container {container.Name} ({container.Service}, host {container.Host}) "
                        + $"binds at {mount.Destination}; kobo's scripts delete backups in such folders. Set KoboConsole:Backups:Directory to a folder no kobo "
                        + "container binds, or leave it unset (the default is <kobo-docker>/backups/console).";
                }
            }
        }

        return null;
    }

    /// <summary>How <paramref name="root"/> relates to <paramref name="bound"/> ("is", "is inside", "contains"); null when they share no folder.</summary>
    public static string? Relation(string root, string bound)
    {
        var a = Normal(root);
        var b = Normal(bound);
        if (a == b)
        {
            return "is";
        }

        if (a.StartsWith(b == "/" ? b : b + "/", StringComparison.Ordinal))
        {
            return "is inside";
        }

        return b.StartsWith(a == "/" ? a : a + "/", StringComparison.Ordinal) ? "contains" : null;
    }

    private static string Normal(string path)
    {
        var full = Path.GetFullPath(path).Replace('\\', '/');
        return full.Length > 1 ? full.TrimEnd('/') : full;
    }
}
