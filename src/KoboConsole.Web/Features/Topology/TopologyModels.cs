using KoboConsole.Web.Features.Hosts;

namespace KoboConsole.Web.Features.Topology;

/// <summary>The contract's <c>GET /api/v1/topology</c> answer.</summary>
public sealed record TopologyView(IReadOnlyList<TopologyHost> Hosts, IReadOnlyList<TopologyContainer> Containers, IReadOnlyList<TopologyLink> Links)
{
    public static TopologyView Empty { get; } = new([], [], []);
}

public sealed record TopologyHost(string Name, string Endpoint, bool Reachable, string? EngineVersion, string? Error)
{
    public static TopologyHost From(HostStatus h) => new(h.Name, h.Endpoint, h.Reachable, h.EngineVersion, h.Error);
}

public sealed record TopologyPort(string? HostIp, int? HostPort, int ContainerPort, string Protocol);

public sealed record TopologyNetwork(string Name, IReadOnlyList<string> Aliases);

/// <summary>
/// One kobo container as the contract lists it. <see cref="ReplicationRole"/> (an addition) is a
/// PostgreSQL container's <c>KOBO_POSTGRES_DB_SERVER_ROLE</c> as configured (<c>primary</c>,
/// <c>Slave</c>, or an unknown word as it is), "standalone" when unset, null for other services.
/// </summary>
public sealed record TopologyContainer(
    string Id,
    string Name,
    string Host,
    string Project,
    string Service,
    string Role,
    string State,
    string Health,
    string Image,
    DateTimeOffset? StartedAt,
    int RestartCount,
    IReadOnlyList<TopologyPort> Ports,
    IReadOnlyList<TopologyNetwork> Networks,
    string? ReplicationRole = null);

/// <summary>
/// A kobo relation between two containers (<see cref="From"/> talks to <see cref="To"/>).
/// <see cref="Broken"/> (an addition to the contract's fields) is true when the two share no
/// network and no extra_hosts entry lets one reach the other.
/// </summary>
public sealed record TopologyLink(string From, string To, string Kind, bool Broken);
