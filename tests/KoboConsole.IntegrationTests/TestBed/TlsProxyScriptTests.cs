using System.Globalization;
using System.Net;
using KoboConsole.Web.Features.Maintenance;

namespace KoboConsole.IntegrationTests.TestBed;

/// <summary><c>stack.sh up ... --tls-proxy</c>: kobo-install's nginx-certbot edge, nginx publishing nothing.</summary>
public sealed class TlsProxyScriptTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    [Fact]
    public async Task Up_TlsProxy_NginxPublishesNothingAndTheProxyServesEachHostOverHttps()
    {
        var ct = CancellationToken.None;
        var id = TestBedFixture.NewStackId("prefixed");
        var info = await fixture.UpAsync("prefixed", id, "s" + id[^6..], ["--tls-proxy"], ct);
        try
        {
            Assert.Equal("", (await ScriptRunner.DockerAsync(info.FrontendDocker, ["port", info.Containers["nginx"]], ct)).StdOut.Trim());
            var proxy = Assert.Single(await ContainerView.InspectAsync(info.FrontendDocker, [info.Containers["nginx_ssl_proxy"]], ct));
            Assert.Equal("nginx-certbot", proxy.Labels["com.docker.compose.project"]);
            Assert.Equal("nginx_ssl_proxy", proxy.Labels["com.docker.compose.service"]);
            Assert.Contains("nginx_ssl_proxy", proxy.Networks[info.FrontendNetwork]);

            var port = int.Parse(info.Values["tls_port"], CultureInfo.InvariantCulture);
            foreach (var (host, text) in new[] { ("kf", "kpi stand-in"), ("ee", "enketo_express stand-in") })
            {
                var name = $"{host}.{info.Domain}";
                using var http = MaintenanceProbe.ClientFor(new VerifyRoute(new Uri($"https://{name}/"), "127.0.0.1", port, "test"));
                Assert.Contains(text, await http.GetStringAsync(new Uri($"https://{name}/"), ct), StringComparison.Ordinal);
            }

            var httpPort = int.Parse(info.Values["tls_http_port"], CultureInfo.InvariantCulture);
            using var plain = MaintenanceProbe.ClientFor(new VerifyRoute(new Uri($"http://kf.{info.Domain}/"), "127.0.0.1", httpPort, "test"));
            using var redirect = await plain.GetAsync(new Uri($"http://kf.{info.Domain}/"), ct);
            Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);
            Assert.Equal(new Uri($"https://kf.{info.Domain}/"), redirect.Headers.Location);
        }
        finally
        {
            await fixture.DownAsync(id, ct);
        }
    }
}
