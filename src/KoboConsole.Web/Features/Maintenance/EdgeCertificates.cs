using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Features.Topology.Health;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Maintenance;

/// <summary>The certificate the TLS proxy serves for one public host name, or why it could not be read.</summary>
public sealed record EdgeCertificate(
    string Host, string Proxy, string? Via, DateTimeOffset? NotAfter, string? Issuer, string? Subject,
    IReadOnlyList<string> Names, bool? CoversHost, int? DaysLeft, bool ExpiresSoon, string? Error);

/// <summary>
/// Reads the certificates kobo-install's <c>nginx_ssl_proxy</c> serves for kobo's public domains
/// (kf, kc, ee): a TLS handshake with SNI per host name, without validation (an expired or
/// self-signed certificate is exactly what an admin needs to see).
/// </summary>
public sealed class EdgeCertificates(StackDiscovery discovery, IDockerHosts hosts, TimeProvider time)
{
    /// <summary>Warn this many days before expiry (certbot renews at 30, so 14 left means renewal is failing).</summary>
    public const int WarnDays = 14;

    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(5);

    public async Task<IReadOnlyList<EdgeCertificate>> ReadAsync(CancellationToken cancellationToken)
    {
        var snapshot = await discovery.DiscoverAsync(false, cancellationToken);
        var result = new List<EdgeCertificate>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var nginx in snapshot.Service("nginx").Where(n => n.Role == KoboRole.Frontend))
        {
            try
            {
                var engine = hosts.Get(nginx.Host);
                var server = await engine.InspectContainerAsync(nginx.Id, cancellationToken);
                var listed = await engine.ListContainersAsync(ContainerQuery.WithLabel(KoboNames.ServiceLabel, EdgeRoutes.ProxyService), cancellationToken);
                if (EdgeRoutes.PickProxy(listed, server) is not { } found || !seen.Add(nginx.Host + "/" + found.Id))
                {
                    continue;
                }

                var proxy = await engine.InspectContainerAsync(found.Id, cancellationToken);
                if (!proxy.Ports.Any(p => p.ContainerPort == 443 && p.Protocol == "tcp"))
                {
                    continue; // No TLS served (yet): nothing to show.
                }

                var addresses = ProbeAddresses.For(proxy, 443, engine.Endpoint);
                foreach (var host in PublicHosts(server.Env))
                {
                    result.Add(await ReadOneAsync(host, proxy.Name.TrimStart('/'), addresses, cancellationToken));
                }
            }
            catch (DockerException)
            {
                // A host that does not answer shows on the overview page; its certificates just are not listed.
            }
        }

        return result;
    }

    /// <summary>kobo's public host names (kf, kc, ee) from the domain variables in a container's environment.</summary>
    public static IReadOnlyList<string> PublicHosts(IReadOnlyList<string> env)
    {
        var values = ContainerEnv.Of(env);
        if (values.GetValueOrDefault("PUBLIC_DOMAIN_NAME") is not { Length: > 0 } domain)
        {
            return [];
        }

        string Sub(string key, string fallback) => values.GetValueOrDefault(key) is { Length: > 0 } v ? v : fallback;
        return new[] { Sub("KOBOFORM_PUBLIC_SUBDOMAIN", "kf"), Sub("KOBOCAT_PUBLIC_SUBDOMAIN", "kc"), Sub("ENKETO_EXPRESS_PUBLIC_SUBDOMAIN", "ee") }
            .Select(s => $"{s}.{domain}").Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>True when a certificate name (maybe <c>*.example.org</c>) covers <paramref name="host"/>.</summary>
    public static bool Covers(IEnumerable<string> names, string host) => names.Any(n =>
        string.Equals(n, host, StringComparison.OrdinalIgnoreCase)
        || (n.StartsWith("*.", StringComparison.Ordinal) && host.IndexOf('.', StringComparison.Ordinal) is > 0 and var dot
            && string.Equals(n[2..], host[(dot + 1)..], StringComparison.OrdinalIgnoreCase)));

    /// <summary>
    /// Accepts whatever certificate our own stack's proxy presents: used only to check the
    /// maintenance page through it and to read the certificate's dates (a self-signed or expired one
    /// must still be read), never to send anything secret.
    /// </summary>
    public static bool AcceptOwnProxy(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) => certificate is not null;

    private async Task<EdgeCertificate> ReadOneAsync(string host, string proxy, IReadOnlyList<ProbeAddress> addresses, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        foreach (var a in addresses)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(HandshakeTimeout);
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(a.Address, a.Port, timeout.Token);
                await using var ssl = new SslStream(tcp.GetStream(), false, AcceptOwnProxy);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host, RemoteCertificateValidationCallback = AcceptOwnProxy }, timeout.Token);
                if (ssl.RemoteCertificate is not X509Certificate2 cert)
                {
                    errors.Add($"{a.Via}: the proxy sent no certificate");
                    continue;
                }

                var notAfter = new DateTimeOffset(cert.NotAfter.ToUniversalTime(), TimeSpan.Zero);
                var names = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()).ToList();
                var left = notAfter - time.GetUtcNow();
                return new EdgeCertificate(host, proxy, a.Via, notAfter, cert.Issuer, cert.Subject, names, Covers(names, host),
                    (int)Math.Floor(left.TotalDays), left < TimeSpan.FromDays(WarnDays), null);
            }
            catch (Exception ex) when (ex is SocketException or IOException or AuthenticationException
                || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                errors.Add($"{a.Via}: {(ex is OperationCanceledException ? $"no TLS handshake within {HandshakeTimeout.TotalSeconds} s" : ex.Message)}");
            }
        }

        return new EdgeCertificate(host, proxy, null, null, null, null, [], null, null, false,
            errors.Count == 0 ? "the proxy has no address the console can reach" : string.Join(" | ", errors));
    }
}
