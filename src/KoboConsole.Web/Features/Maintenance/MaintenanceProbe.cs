using System.Globalization;
using System.Net;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Maintenance;

/// <summary>Checks over HTTP what the world sees on a published port: the maintenance page, or nginx.</summary>
public sealed class MaintenanceProbe(IOptionsMonitor<MaintenanceOptions> options) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
    {
        Timeout = TimeSpan.FromSeconds(3),
    };

    /// <summary>Null when every path answers 503 with the page (containing <paramref name="expectedText"/>) and <c>Retry-After</c>, and <c>/service_health/</c> 200.</summary>
    public async Task<string?> WaitForMaintenanceAsync(Uri baseUri, string? expectedText, CancellationToken cancellationToken)
    {
        return await RetryAsync(baseUri, async ct =>
        {
            using var page = await GetAsync(new Uri(baseUri, "/"), ct);
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

            using var health = await GetAsync(new Uri(baseUri, "/service_health/"), ct);
            return health.StatusCode == HttpStatusCode.OK ? null : $"{baseUri}service_health/ answered {(int)health.StatusCode} instead of 200";
        }, cancellationToken);
    }

    /// <summary>Null when nginx answers (anything but the maintenance page: kpi's own errors are nginx answering).</summary>
    public Task<string?> WaitForNginxAsync(Uri baseUri, CancellationToken cancellationToken) =>
        RetryAsync(baseUri, async ct =>
        {
            using var page = await GetAsync(new Uri(baseUri, "/"), ct);
            return page.Headers.Contains(MaintenancePage.MarkerHeader)
                ? $"{baseUri} still serves the maintenance page"
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

    public void Dispose() => _http.Dispose();

    private static string EngineAddress(string endpoint) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "tcp" or "http" or "https" ? uri.Host : "127.0.0.1";

    private async Task<HttpResponseMessage> GetAsync(Uri uri, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        // A fresh connection each time: a kept-alive one may still reach the container we just stopped.
        request.Headers.ConnectionClose = true;
        return await _http.SendAsync(request, cancellationToken);
    }

    private async Task<string?> RetryAsync(Uri baseUri, Func<CancellationToken, Task<string?>> check, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(options.CurrentValue.VerifyTimeoutSeconds);
        var last = $"{baseUri} did not answer";
        while (true)
        {
            try
            {
                var problem = await check(cancellationToken);
                if (problem is null)
                {
                    return null;
                }

                last = problem;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                last = $"{baseUri} did not answer ({ex.Message})";
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                return last + $" within {options.CurrentValue.VerifyTimeoutSeconds} s";
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }
}
