using KoboConsole.Web.Features.Hosts;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Stack;

/// <summary>A kobo container on one of the configured Docker hosts.</summary>
public sealed record KoboContainer(
    string Host,
    string Id,
    string Name,
    string Project,
    string Service,
    KoboRole Role,
    string State,
    string Status,
    string Image,
    DateTimeOffset Created,
    bool OneOff,
    IReadOnlyList<PortMapping> Ports,
    IReadOnlyList<NetworkAttachment> Networks,
    IReadOnlyDictionary<string, string> Labels)
{
    public bool Running => State == "running";
}

/// <summary>What the console found on every host at one moment.</summary>
public sealed record StackSnapshot(IReadOnlyList<HostStatus> Hosts, IReadOnlyList<KoboContainer> Containers, DateTimeOffset TakenAt)
{
    /// <summary>The containers of one kobo service (on any host), running ones first.</summary>
    public IReadOnlyList<KoboContainer> Service(string service) =>
        Containers.Where(c => c.Service == service).OrderByDescending(c => c.Running).ThenBy(c => c.Host, StringComparer.Ordinal).ToList();
}

/// <summary>
/// Finds every kobo container on every configured Docker host by the labels Docker Compose adds
/// (kobo's compose files set no names or labels of their own). A host that does not answer is
/// reported in <see cref="StackSnapshot.Hosts"/> and the others still list.
/// </summary>
public sealed class StackDiscovery(IDockerHosts hosts, IOptionsMonitor<StackOptions> options, TimeProvider time)
{
    public async Task<StackSnapshot> DiscoverAsync(bool includeOneOff, CancellationToken cancellationToken)
    {
        var perHost = await Task.WhenAll(hosts.All.Select(engine => ListAsync(engine, includeOneOff, cancellationToken)));
        return new StackSnapshot(
            perHost.Select(h => h.Status).ToList(),
            perHost.SelectMany(h => h.Containers).OrderBy(c => c.Role).ThenBy(c => c.Service, StringComparer.Ordinal).ThenBy(c => c.Host, StringComparer.Ordinal).ToList(),
            time.GetUtcNow());
    }

    private async Task<(HostStatus Status, IReadOnlyList<KoboContainer> Containers)> ListAsync(IContainerEngine engine, bool includeOneOff, CancellationToken cancellationToken)
    {
        try
        {
            var info = await engine.GetInfoAsync(cancellationToken);
            var listed = await engine.ListContainersAsync(ContainerQuery.WithLabel(KoboNames.ProjectLabel), cancellationToken);
            var o = options.CurrentValue;
            var containers = listed
                .Select(c => ToKobo(engine.Name, c))
                .Where(c => KoboNames.IsKoboProject(c.Project, o.ExtraProjects, o.Prefix) && (includeOneOff || !c.OneOff))
                .Where(c => c.Running || !c.Labels.ContainsKey(KoboNames.PreparedLabel))
                .ToList();
            return (new HostStatus(engine.Name, engine.Endpoint, true, info.Version, null, time.GetUtcNow()), containers);
        }
        catch (DockerException ex)
        {
            return (new HostStatus(engine.Name, engine.Endpoint, false, null, ex.Message, time.GetUtcNow()), []);
        }
    }

    internal static KoboContainer ToKobo(string host, ContainerSummary c)
    {
        var project = c.Labels.GetValueOrDefault(KoboNames.ProjectLabel, "");
        var service = c.Labels.GetValueOrDefault(KoboNames.ServiceLabel, c.Name);
        var oneOff = string.Equals(c.Labels.GetValueOrDefault(KoboNames.OneOffLabel), "True", StringComparison.OrdinalIgnoreCase);
        return new KoboContainer(host, c.Id, c.Name, project, service, KoboNames.RoleOf(service), c.State, c.Status, c.Image,
            c.Created, oneOff, c.Ports, c.Networks, c.Labels);
    }
}
