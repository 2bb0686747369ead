using System.Globalization;
using KoboConsole.Web.Features.Topology.Health;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Maintenance;

/// <summary>
/// One way to see what the public sees: <paramref name="Request"/> is the URL asked for (its host
/// goes in the Host header and, for https, the TLS SNI), sent to <paramref name="ConnectHost"/>:<paramref name="ConnectPort"/>.
/// </summary>
public sealed record VerifyRoute(Uri Request, string ConnectHost, int ConnectPort, string Via, bool ThroughProxy = false);

/// <summary>
/// Where the maintenance switch checks the site (kobo-reference.md section 4): nginx's (or the
/// page's) published port when it has one; else through the TLS proxy (kobo-install's
/// <c>nginx_ssl_proxy</c>) with the public host name, on its published 443 or its container
/// address; else the container's own address on its networks, port 80.
/// </summary>
public static class EdgeRoutes
{
    public const string ProxyService = "nginx_ssl_proxy";

    /// <summary>The routes to try, in order; empty when the console has no address at all to ask.</summary>
    public static IReadOnlyList<VerifyRoute> For(ContainerDetails server, ContainerDetails? proxy, string? publicHost, string engineEndpoint)
    {
        if (MaintenanceProbe.PublishedUri(engineEndpoint, server.Ports) is { } published)
        {
            return [new VerifyRoute(published, published.Host.Trim('[', ']'), published.Port, $"checked on the published port {published}")];
        }

        if (proxy is not null)
        {
            // A proxy without 443 (no certificate yet) is reached on 80; kobo's redirects 80 to https otherwise.
            var tls = proxy.Ports.Any(p => p.ContainerPort == 443 && p.Protocol == "tcp");
            var (scheme, port) = tls ? ("https", 443) : ("http", 80);
            var host = publicHost ?? ProxyName(proxy);
            var request = new Uri(string.Create(CultureInfo.InvariantCulture, $"{scheme}://{host}/"));
            return ProbeAddresses.For(proxy, port, engineEndpoint)
                .Select(a => new VerifyRoute(request, a.Address, a.Port,
                    string.Create(CultureInfo.InvariantCulture, $"checked through {ProxyService} at {scheme}://{host} ({Endpoint(a.Address, a.Port)})"), ThroughProxy: true))
                .ToList();
        }

        var direct = new Uri($"http://{publicHost ?? "localhost"}/");
        return ProbeAddresses.For(server, 80, engineEndpoint)
            .Select(a => new VerifyRoute(direct, a.Address, a.Port,
                $"checked at {server.Name}'s own address {Endpoint(a.Address, a.Port)} with Host {direct.Host} (no port published, no {ProxyService})"))
            .ToList();
    }

    /// <summary>
    /// The running TLS proxy in front of <paramref name="server"/>: a container of service
    /// <c>nginx_ssl_proxy</c> on a network the server is on (kobo-install joins it to the front-end network).
    /// </summary>
    public static ContainerSummary? PickProxy(IEnumerable<ContainerSummary> candidates, ContainerDetails server)
    {
        var networks = server.Networks.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        return candidates
            .Where(c => c.State == "running" && c.Labels.GetValueOrDefault(Stack.KoboNames.ServiceLabel) == ProxyService)
            .Where(c => c.Networks.Any(n => networks.Contains(n.Name)))
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    /// <summary>kobo's public host name for the site: <c>KOBOFORM_PUBLIC_SUBDOMAIN.PUBLIC_DOMAIN_NAME</c>, null without a domain.</summary>
    public static string? PublicHost(PublicSite site) => site.Domain is null ? null : $"{site.KoboformSubdomain}.{site.Domain}";

    private static string ProxyName(ContainerDetails proxy) => proxy.Name.TrimStart('/');

    private static string Endpoint(string address, int port) =>
        string.Create(CultureInfo.InvariantCulture, $"{(address.Contains(':', StringComparison.Ordinal) ? $"[{address}]" : address)}:{port}");
}
