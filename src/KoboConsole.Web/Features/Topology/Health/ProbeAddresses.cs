using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Topology.Health;

/// <summary>One way to reach a service, said the way an admin would check it.</summary>
public sealed record ProbeAddress(string Address, int Port, string Via);

/// <summary>
/// How the console reaches a service container, in order: a published port on the Docker host
/// (multi-server back ends publish 5432, 27017, 6379, 6380), then the container's address on each
/// of its networks (routed from the Docker host itself, or shared when the console runs in Docker
/// on that network).
/// </summary>
public static class ProbeAddresses
{
    public static IReadOnlyList<ProbeAddress> For(ContainerDetails container, int containerPort, string engineEndpoint)
    {
        var list = new List<ProbeAddress>();
        foreach (var p in container.Ports.Where(p => p.ContainerPort == containerPort && p.HostPort is not null && p.Protocol == "tcp"))
        {
            var address = p.HostIp is null or "0.0.0.0" or "::" ? EngineHost(engineEndpoint) : p.HostIp;
            list.Add(new ProbeAddress(address, p.HostPort!.Value, $"published port {address}:{p.HostPort}"));
        }

        foreach (var n in container.Networks.Where(n => !string.IsNullOrEmpty(n.IpAddress)))
        {
            list.Add(new ProbeAddress(n.IpAddress!, containerPort, $"container address {n.IpAddress}:{containerPort} on {n.Name}"));
        }

        return list.DistinctBy(a => (a.Address, a.Port)).ToList();
    }

    /// <summary>The machine an engine runs on: loopback for a local socket, else the endpoint's host.</summary>
    public static string EngineHost(string endpoint) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "tcp" or "http" or "https" && !string.IsNullOrEmpty(uri.Host) ? uri.Host : "127.0.0.1";
}
