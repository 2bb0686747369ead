using System.Globalization;
using KoboConsole.Web.Infrastructure.Probes;

namespace KoboConsole.Web.Features.Topology.Health;

/// <summary>kpi's <c>/service_health/</c> asked through nginx, with kpi's public host name as nginx routes it.</summary>
public static class KpiHealth
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { ConnectTimeout = ServiceHealth.Timeout, UseProxy = false, AllowAutoRedirect = false });

    public static async Task<IReadOnlyList<ProbeFact>> ProbeAsync(ProbeAddress a, string subdomain, string? domain, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var host = string.IsNullOrEmpty(domain) ? null : $"{subdomain}.{domain}";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://{a.Address}:{a.Port.ToString(CultureInfo.InvariantCulture)}/service_health/"));
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        try
        {
            using var response = await Http.SendAsync(request, cts.Token);
            var body = await response.Content.ReadAsStringAsync(cts.Token);
            var summary = body.Length > 120 ? body[..120] + "…" : body;
            if (!response.IsSuccessStatusCode)
            {
                throw new ProbeFailedException($"GET /service_health/ (Host {host}) answered {(int)response.StatusCode}: {summary.Trim()}");
            }

            return [new("HTTP", ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)), new("host", host ?? "(none)"), new("answer", summary.Trim())];
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ProbeFailedException($"GET /service_health/ did not answer within {timeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException ex)
        {
            throw new ProbeFailedException($"GET /service_health/: {ex.Message}", ex);
        }
    }
}
