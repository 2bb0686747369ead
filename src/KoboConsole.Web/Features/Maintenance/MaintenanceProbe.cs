using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Maintenance;

/// <summary>
/// Checks over HTTP(S) what the world sees: the maintenance page, or nginx. Each check goes one of
/// several <see cref="VerifyRoute"/>s (published port, TLS proxy, container address); the first
/// route that passes wins and is reported. <paramref name="clientFor"/> replaces the real
/// connection per route (the fast tests' in-memory engine answers there); the app never sets it.
/// </summary>
public sealed class MaintenanceProbe(IOptionsMonitor<MaintenanceOptions> options, Func<VerifyRoute, HttpClient>? clientFor = null)
{
    /// <summary>Between two rounds of checks: a refused connection costs nothing, and each round trip is local.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Null when every path answers 503 with the page (containing <paramref name="expectedText"/>) and <c>Retry-After</c>, and <c>/service_health/</c> 200.</summary>
    public async Task<ProbeOutcome> WaitForMaintenanceAsync(IReadOnlyList<VerifyRoute> routes, string? expectedText, CancellationToken cancellationToken)
    {
        return await RetryAsync(routes, async (http, route, ct) =>
        {
            var baseUri = route.Request;
            using var page = await GetAsync(http, new Uri(baseUri, "/"), ct);
            var body = await page.Content.ReadAsStringAsync(ct);
            if (page.StatusCode != HttpStatusCode.ServiceUnavailable || !page.Headers.Contains(MaintenancePage.MarkerHeader))
            {
                return $"{baseUri} answered {(int)page.StatusCode} instead of the maintenance page (503)";
            }

            if (page.Headers.RetryAfter is null)
            {
                return $"{baseUri} answered 503 without a Retry-After header";
            }

            if (expectedText is not null && !body.Contains(WebUtility.HtmlEncode(expectedText), StringComparison.Ordinal))
            {
                return $"{baseUri} served a maintenance page without the ETA '{expectedText}'";
            }

            using var health = await GetAsync(http, new Uri(baseUri, "/service_health/"), ct);
            return health.StatusCode == HttpStatusCode.OK ? null : $"{baseUri}service_health/ answered {(int)health.StatusCode} instead of 200";
        }, cancellationToken);
    }

    /// <summary>
    /// Passes when nginx answers (anything but the maintenance page: kpi's own errors are nginx
    /// answering). Through the TLS proxy a 502 or 504 is the proxy not reaching nginx yet, so it does not pass.
    /// </summary>
    public Task<ProbeOutcome> WaitForNginxAsync(IReadOnlyList<VerifyRoute> routes, CancellationToken cancellationToken) =>
        RetryAsync(routes, async (http, route, ct) =>
        {
            using var page = await GetAsync(http, new Uri(route.Request, "/"), ct);
            return page.Headers.Contains(MaintenancePage.MarkerHeader) ? $"{route.Request} still serves the maintenance page"
                : route.ThroughProxy && page.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout
                    ? $"{route.Request} answered {(int)page.StatusCode}: {EdgeRoutes.ProxyService} does not reach nginx"
                : null;
        }, cancellationToken);

    /// <summary>Where a container's port is reachable from the console: its host IP, or the Docker host's address.</summary>
    public static Uri? PublishedUri(string engineEndpoint, IReadOnlyList<PortMapping> ports)
    {
        var published = ports.Where(p => p.HostPort is not null && p.Protocol == "tcp")
            .OrderByDescending(p => p.ContainerPort == 80).ThenBy(p => p.HostIp?.Contains(':', StringComparison.Ordinal) == true).FirstOrDefault();
        if (published is null)
        {
            return null;
        }

        var host = published.HostIp is null or "0.0.0.0" or "::" ? EngineAddress(engineEndpoint) : published.HostIp;
        if (host.Contains(':', StringComparison.Ordinal))
        {
            host = $"[{host}]";
        }

        return new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{host}:{published.HostPort}/"));
    }

    private static string EngineAddress(string endpoint) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "tcp" or "http" or "https" ? uri.Host : "127.0.0.1";

    /// <summary>
    /// A client for one route: connects to the route's address whatever the URL's host, so the
    /// public host name goes in Host and SNI. The certificate is accepted unchecked: this asks our
    /// own stack's proxy, which may be self-signed or overdue for renewal, and the check is about the page.
    /// </summary>
    internal static HttpClient ClientFor(VerifyRoute route) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        ConnectCallback = async (_, ct) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(route.ConnectHost, route.ConnectPort, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
        SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = EdgeCertificates.AcceptOwnProxy },
    })
    {
        Timeout = TimeSpan.FromSeconds(3),
    };

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, Uri uri, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        // A fresh connection each time: a kept-alive one may still reach the container we just stopped.
        request.Headers.ConnectionClose = true;
        return await http.SendAsync(request, cancellationToken);
    }

    private async Task<ProbeOutcome> RetryAsync(IReadOnlyList<VerifyRoute> routes, Func<HttpClient, VerifyRoute, CancellationToken, Task<string?>> check, CancellationToken cancellationToken)
    {
        if (routes.Count == 0)
        {
            return new ProbeOutcome("the console has no address to check the site on (no published port, no TLS proxy, no container address)", null);
        }

        var clients = routes.Select(clientFor ?? ClientFor).ToList();
        try
        {
            var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(options.CurrentValue.VerifyTimeoutSeconds);
            var last = new string[routes.Count];
            while (true)
            {
                for (var i = 0; i < routes.Count; i++)
                {
                    try
                    {
                        last[i] = await check(clients[i], routes[i], cancellationToken) ?? "";
                        if (last[i].Length == 0)
                        {
                            return new ProbeOutcome(null, routes[i].Via);
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                    {
                        last[i] = $"{routes[i].Request} did not answer ({ex.Message})";
                    }
                }

                if (DateTimeOffset.UtcNow >= deadline)
                {
                    var problems = routes.Select((r, i) => $"{last[i]} ({r.Via})");
                    return new ProbeOutcome(string.Join("; ", problems) + $" within {options.CurrentValue.VerifyTimeoutSeconds} s", routes[0].Via);
                }

                await Task.Delay(PollInterval, cancellationToken);
            }
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }
}

/// <summary>A check's result: <paramref name="Problem"/> null when it passed; <paramref name="Via"/> says which way it looked.</summary>
public sealed record ProbeOutcome(string? Problem, string? Via);
