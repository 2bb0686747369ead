using System.Collections.Concurrent;
using KoboConsole.Web.Features.Logs;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Topology;

/// <summary>
/// The topology: every kobo container found by <see cref="StackDiscovery"/>, inspected for
/// health, start time, restart count and extra_hosts, plus the kobo links between them.
/// </summary>
public sealed class TopologyService(StackDiscovery discovery, IDockerHosts hosts, ILogger<TopologyService> logger)
{
    private const int InspectParallelism = 8;

    /// <summary>Lists and inspects every kobo container now (the API's read when the live snapshot cannot answer).</summary>
    public async Task<TopologyView> GetAsync(bool includeOneOff, CancellationToken cancellationToken) =>
        (await ReadAsync(includeOneOff, new Dictionary<string, ContainerDetails>(StringComparer.Ordinal), new HashSet<string>(StringComparer.Ordinal), cancellationToken)).View;

    /// <summary>
    /// Lists every kobo container and inspects only those not in <paramref name="known"/> or named
    /// in <paramref name="reread"/>; the others keep their known details. Returns the view and the
    /// details of every container now listed (those that could be inspected).
    /// </summary>
    internal async Task<(TopologyView View, Dictionary<string, ContainerDetails> Details)> ReadAsync(
        bool includeOneOff, IReadOnlyDictionary<string, ContainerDetails> known, IReadOnlySet<string> reread, CancellationToken cancellationToken)
    {
        var snapshot = await discovery.DiscoverAsync(includeOneOff, cancellationToken);
        var details = new ConcurrentDictionary<string, ContainerDetails>(StringComparer.Ordinal);
        var toInspect = new List<KoboContainer>();
        foreach (var c in snapshot.Containers)
        {
            if (!reread.Contains(c.Id) && known.TryGetValue(c.Id, out var d) && StillMatches(c, d))
            {
                details[c.Id] = d;
            }
            else
            {
                toInspect.Add(c);
            }
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = InspectParallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(toInspect, options, async (c, ct) =>
        {
            if (await TryInspectAsync(c.Host, c.Id, ct) is { } d)
            {
                details[c.Id] = d;
            }
        });

        var containers = snapshot.Containers.Select(c => ToEntry(c, details.GetValueOrDefault(c.Id))).ToList();
        var ends = snapshot.Containers.Select(c => new LinkEnd(
            c.Id, c.Host, c.Service, details.GetValueOrDefault(c.Id)?.Networks ?? c.Networks, details.GetValueOrDefault(c.Id)?.ExtraHosts ?? [],
            c.Service == "postgres" ? PostgresRole.Of(details.GetValueOrDefault(c.Id)?.Env ?? []) : null)).ToList();
        var view = new TopologyView(snapshot.Hosts.Select(TopologyHost.From).ToList(), containers, KoboRelations.Links(ends));
        return (view, new Dictionary<string, ContainerDetails>(details, StringComparer.Ordinal));
    }

    /// <summary>A safety net for a missed event: the list disagrees with what was inspected.</summary>
    private static bool StillMatches(KoboContainer listed, ContainerDetails inspected) =>
        listed.State == inspected.State
        && HealthFromStatus(listed.Status) == inspected.Health.Status
        && listed.Networks.Select(n => n.Name).Order(StringComparer.Ordinal).SequenceEqual(inspected.Networks.Select(n => n.Name).Order(StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>A kobo container by full id, unique id prefix (12+ characters) or name, on any host; null when none.</summary>
    /// <exception cref="AmbiguousContainerException">Several hosts hold a container of that name.</exception>
    public async Task<TopologyContainer?> FindAsync(string idOrName, CancellationToken cancellationToken)
    {
        var snapshot = await discovery.DiscoverAsync(includeOneOff: true, cancellationToken);
        var byId = snapshot.Containers.Where(c => c.Id == idOrName || (idOrName.Length >= 12 && c.Id.StartsWith(idOrName, StringComparison.Ordinal))).ToList();
        var matches = byId.Count > 0 ? byId : snapshot.Containers.Where(c => c.Name == idOrName).ToList();
        return matches.Count switch
        {
            0 => null,
            1 => ToEntry(matches[0], null),
            _ => throw new AmbiguousContainerException(idOrName, matches.Select(m => m.Host)),
        };
    }

    /// <summary>The contract entry of one container, inspected now.</summary>
    public async Task<TopologyContainer> EntryAsync(TopologyContainer container, CancellationToken cancellationToken)
    {
        var d = await hosts.Get(container.Host).InspectContainerAsync(container.Id, cancellationToken);
        return container with
        {
            State = d.State,
            Health = d.Health.Status,
            StartedAt = d.StartedAt,
            RestartCount = d.RestartCount,
            Ports = d.Ports.Select(p => new TopologyPort(p.HostIp, p.HostPort, p.ContainerPort, p.Protocol)).ToList(),
            Networks = d.Networks.Select(n => new TopologyNetwork(n.Name, n.Aliases)).ToList(),
            ReplicationRole = ReplicationRoleOf(container.Service, d),
        };
    }

    /// <summary>The detail panel's data: inspect (environment masked) and the last 50 log lines.</summary>
    public async Task<ContainerDetailView> DetailAsync(string host, string id, string service, CancellationToken cancellationToken)
    {
        var engine = hosts.Get(host);
        var details = await engine.InspectContainerAsync(id, cancellationToken);
        var masked = details.Env.Select(SecretMask.MaskEnvEntry).ToList();
        var logs = new List<LogLine>();
        string? logError = null;
        try
        {
            await foreach (var line in engine.ReadLogsAsync(id, new LogQuery { Tail = ContainerDetailView.LogLines }, cancellationToken))
            {
                logs.Add(line with { Text = SecretMask.Text(line.Text) });
            }
        }
        catch (DockerException ex)
        {
            logError = ex.Message;
        }

        return new ContainerDetailView(host, service, details with { Env = masked }, masked, logs, logError);
    }

    private async Task<ContainerDetails?> TryInspectAsync(string host, string id, CancellationToken cancellationToken)
    {
        try
        {
            return await hosts.Get(host).InspectContainerAsync(id, cancellationToken);
        }
        catch (ContainerNotFoundException)
        {
            return null; // removed between the list and now: the next event refreshes the page
        }
        catch (DockerException ex)
        {
            Log.InspectFailed(logger, id, host, ex.Message);
            return null;
        }
    }

    internal static TopologyContainer ToEntry(KoboContainer c, ContainerDetails? d) => new(
        c.Id,
        c.Name,
        c.Host,
        c.Project,
        c.Service,
        c.Role.ToApi(),
        d?.State ?? c.State,
        d?.Health.Status ?? HealthFromStatus(c.Status),
        c.Image,
        d?.StartedAt,
        d?.RestartCount ?? 0,
        c.Ports.Select(p => new TopologyPort(p.HostIp, p.HostPort, p.ContainerPort, p.Protocol)).ToList(),
        (d?.Networks ?? c.Networks).Select(n => new TopologyNetwork(n.Name, n.Aliases)).ToList(),
        ReplicationRoleOf(c.Service, d));

    /// <summary>PostgreSQL's role word as configured, "standalone" when unset; null for other services or when not inspected.</summary>
    internal static string? ReplicationRoleOf(string service, ContainerDetails? d) =>
        service == "postgres" && d is not null ? PostgresRole.Of(d.Env).Word ?? "standalone" : null;

    /// <summary>Docker's list gives health only inside the status text: "Up 3 minutes (healthy)".</summary>
    internal static string HealthFromStatus(string status) =>
        status.Contains("(healthy)", StringComparison.Ordinal) ? "healthy"
        : status.Contains("(unhealthy)", StringComparison.Ordinal) ? "unhealthy"
        : status.Contains("(health: starting)", StringComparison.Ordinal) ? "starting"
        : "none";
}

/// <summary>A container name that exists on several hosts: the caller must use the id.</summary>
public sealed class AmbiguousContainerException(string name, IEnumerable<string> hosts)
    : Exception($"'{name}' names a container on several hosts ({string.Join(", ", hosts)}); use the container id instead.");
