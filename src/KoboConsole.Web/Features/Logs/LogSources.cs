using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Logs;

/// <summary>A request names something that cannot be followed; the message says what to do.</summary>
public sealed class LogRequestException(string message) : Exception(message);

/// <summary>
/// Turns container ids or names into sources: the kobo containers discovery sees (on every host,
/// within <see cref="StackOptions.Prefix"/>), plus the log files nginx and Redis keep inside them.
/// </summary>
public sealed class LogSources(StackDiscovery discovery, IDockerHosts hosts)
{
    /// <summary>
    /// Where kobo writes log files (kobo-reference §6): nginx's and Redis's own, and /srv/logs, bound
    /// to log/&lt;service&gt;/ in postgres and mongo (their backup jobs' backup.log) and kpi (its logs).
    /// Redis's backup job logs to /var/log/redis/backup.log.
    /// </summary>
    public static readonly IReadOnlyList<string> FileGlobs = ["/var/log/nginx/*.log", "/var/log/redis/*.log", "/srv/logs/*.log"];

    public async Task<IReadOnlyList<KoboContainer>> ResolveContainersAsync(IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        if (names.Count == 0)
        {
            throw new LogRequestException("Name at least one container (its id or name) in 'containers'.");
        }

        var snapshot = await discovery.DiscoverAsync(includeOneOff: true, cancellationToken);
        var found = new List<KoboContainer>();
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            var match = snapshot.Containers.FirstOrDefault(c => c.Name == name || c.Id == name)
                ?? (name.Length >= 6 ? snapshot.Containers.FirstOrDefault(c => c.Id.StartsWith(name, StringComparison.Ordinal)) : null);
            if (match is null)
            {
                throw new LogRequestException($"No kobo container '{name}' on any configured Docker host. Use a name or id from GET /api/v1/topology.");
            }

            found.Add(match);
        }

        return found;
    }

    /// <summary>The container outputs, then (when <paramref name="files"/>) the log files found in running containers.</summary>
    public async Task<IReadOnlyList<LogSourceKey>> SourcesOfAsync(IReadOnlyList<KoboContainer> containers, bool files, CancellationToken cancellationToken)
    {
        var keys = containers.Select(c => new LogSourceKey(c.Host, c.Id, c.Name)).ToList();
        if (files)
        {
            var perContainer = await Task.WhenAll(containers.Where(c => c.Running).Select(c => FilesOfAsync(c, cancellationToken)));
            keys.AddRange(perContainer.SelectMany(f => f));
        }

        return keys;
    }

    private async Task<IReadOnlyList<LogSourceKey>> FilesOfAsync(KoboContainer container, CancellationToken cancellationToken)
    {
        try
        {
            var script = "for f in " + string.Join(' ', FileGlobs) + "; do [ -f \"$f\" ] && echo \"$f\"; done; true";
            var result = await hosts.Get(container.Host).ExecAsync(container.Id, ["sh", "-c", script], cancellationToken);
            return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(f => new LogSourceKey(container.Host, container.Id, container.Name, f)).ToList();
        }
        catch (DockerException)
        {
            // A container without a shell (or stopping right now) simply has no file sources.
            return [];
        }
    }
}
