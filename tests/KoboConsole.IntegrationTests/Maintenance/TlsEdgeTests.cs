using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Maintenance;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Maintenance;

/// <summary>
/// A kobo-install-shaped edge: nginx publishes no port, nginx_ssl_proxy (project nginx-certbot)
/// serves https://{kf,kc,ee}.kobo.test with a self-signed certificate in front of it.
/// </summary>
public sealed class TlsEdgeTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    private static readonly string[] TlsProxy = ["--tls-proxy"];

    [Fact]
    public async Task EnableDisable_BehindTlsProxyWithoutNginxPort_CheckedThroughTheProxy()
    {
        await using var bed = await MaintenanceBed.UpAsync(fixture, "t", upOptions: TlsProxy);
        Assert.Equal(0, bed.Info.NginxPort);
        var kf = $"kf.{bed.Info.Domain}";

        using var enabled = await bed.Api.PostAsJsonAsync("/api/v1/maintenance/enable", new { eta = "45 minutes" });
        Assert.True(enabled.StatusCode == HttpStatusCode.OK, await enabled.Content.ReadAsStringAsync());
        using (var during = await GetThroughProxyAsync(bed, kf, "/some/form"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
            Assert.Contains("45 minutes", await during.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var disabled = await bed.Api.PostAsync("/api/v1/maintenance/disable", null);
        Assert.True(disabled.StatusCode == HttpStatusCode.OK, await disabled.Content.ReadAsStringAsync());
        using (var after = await GetThroughProxyAsync(bed, kf, "/"))
        {
            Assert.Contains("kpi stand-in", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var audit = await bed.App.Services.GetRequiredService<AuditLog>().ReadAsync(10, CancellationToken.None);
        var through = $"checked through nginx_ssl_proxy at https://{kf} (";
        Assert.Contains(audit, a => a.Action == "maintenance.enable" && a.Outcome == "succeeded" && a.Details!.Contains(through, StringComparison.Ordinal));
        Assert.Contains(audit, a => a.Action == "maintenance.disable" && a.Outcome == "succeeded" && a.Details!.Contains(through, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Enable_ProxyReachesNothing_FailsTheCheckAndRollsBack()
    {
        await using var bed = await MaintenanceBed.UpAsync(fixture, "b", new() { ["KoboConsole:Maintenance:VerifyTimeoutSeconds"] = "3" }, TlsProxy);
        var proxy = bed.Info.Containers[EdgeRoutes.ProxyService];
        var conf = Path.Combine(bed.Info.StackDir, "nginx-certbot", "data", "nginx", "app.conf");
        await File.WriteAllTextAsync(conf, (await File.ReadAllTextAsync(conf)).Replace("http://nginx:80", "http://127.0.0.1:9", StringComparison.Ordinal));
        Assert.Equal(0, (await ScriptRunner.DockerAsync(bed.Info.FrontendDocker, ["exec", proxy, "nginx", "-s", "reload"], CancellationToken.None)).ExitCode);

        using var enabled = await bed.Api.PostAsJsonAsync("/api/v1/maintenance/enable", new { eta = "1 hour" });

        Assert.Equal(HttpStatusCode.BadGateway, enabled.StatusCode);
        var detail = (await enabled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.Contains("verify the maintenance page", detail, StringComparison.Ordinal);
        Assert.Contains("checked through nginx_ssl_proxy", detail, StringComparison.Ordinal);
        var nginx = await ScriptRunner.DockerAsync(bed.Info.FrontendDocker, ["inspect", "-f", "{{.State.Running}}", bed.Info.Containers["nginx"]], CancellationToken.None);
        Assert.Equal("true", nginx.StdOut.Trim());
        Assert.DoesNotContain(await bed.MaintenanceContainersAsync(), c => c.EndsWith(" running", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Certificates_SelfSignedProxy_ShowsTheServedNotAfterAndWarnsNearExpiry()
    {
        await using var bed = await MaintenanceBed.UpAsync(fixture, "x", upOptions: TlsProxy);
        using var served = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(bed.Info.Values["tls_cert"]));

        var first = await bed.Api.GetFromJsonAsync<JsonElement>("/api/v1/edge/certificates");
        var certs = first.GetProperty("certificates").EnumerateArray().ToList();
        Assert.Equal(["kf.kobo.test", "kc.kobo.test", "ee.kobo.test"], certs.Select(c => c.GetProperty("host").GetString()));
        foreach (var c in certs)
        {
            Assert.Equal(served.NotAfter.ToUniversalTime(), c.GetProperty("notAfter").GetDateTimeOffset().UtcDateTime);
            Assert.Contains("kobo test bed", c.GetProperty("issuer").GetString(), StringComparison.Ordinal);
            Assert.True(c.GetProperty("coversHost").GetBoolean());
            Assert.InRange(c.GetProperty("daysLeft").GetInt32(), 19, 20);
            Assert.False(c.GetProperty("expiresSoon").GetBoolean());
        }

        // certbot failing to renew: a certificate with 5 days left, as the proxy would still serve it.
        var renewed = await ReplaceCertificateAsync(bed, TimeSpan.FromDays(5));
        // Old nginx workers may take a connection for a moment after the reload: read until the
        // console sees the new certificate (what the test asserts is what it says about it).
        JsonElement kf;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        do
        {
            var second = await bed.Api.GetFromJsonAsync<JsonElement>("/api/v1/edge/certificates");
            kf = second.GetProperty("certificates").EnumerateArray().First();
            Assert.True(DateTime.UtcNow < deadline, $"the console still reads {kf}");
        }
        while (kf.GetProperty("notAfter").ValueKind != JsonValueKind.String
            || Math.Abs((kf.GetProperty("notAfter").GetDateTimeOffset().UtcDateTime - renewed).TotalSeconds) > 1);
        Assert.True(kf.GetProperty("expiresSoon").GetBoolean(), kf.ToString());
        Assert.InRange(kf.GetProperty("daysLeft").GetInt32(), 4, 5);
    }

    /// <summary>Puts a certificate valid for <paramref name="validFor"/> in the proxy's place and returns its NotAfter (UTC).</summary>
    private static async Task<DateTime> ReplaceCertificateAsync(MaintenanceBed bed, TimeSpan validFor)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN=kf.{bed.Info.Domain}, O=renewal failing", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName($"kf.{bed.Info.Domain}");
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow + validFor);
        var live = Path.GetDirectoryName(bed.Info.Values["tls_cert"])!;
        await File.WriteAllTextAsync(Path.Combine(live, "fullchain.pem"), cert.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(live, "privkey.pem"), key.ExportPkcs8PrivateKeyPem());
        var proxy = bed.Info.Containers[EdgeRoutes.ProxyService];
        var reload = await ScriptRunner.DockerAsync(bed.Info.FrontendDocker, ["exec", proxy, "nginx", "-s", "reload"], CancellationToken.None);
        Assert.True(reload.ExitCode == 0, reload.StdErr);
        // nginx reloads by starting new workers; wait until the new certificate is what a handshake gets.
        var route = new VerifyRoute(new Uri($"https://kf.{bed.Info.Domain}/"), "127.0.0.1", TlsPort(bed), "test");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await NotAfterServedAsync(route) is var notAfter && Math.Abs((notAfter - cert.NotAfter.ToUniversalTime()).TotalSeconds) > 1)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the proxy still serves the certificate ending {notAfter:O}");
            await Task.Delay(100);
        }

        return cert.NotAfter.ToUniversalTime();
    }

    /// <summary>The NotAfter the proxy serves now; <see cref="DateTime.MinValue"/> while it is not answering (restarting).</summary>
    private static async Task<DateTime> NotAfterServedAsync(VerifyRoute route)
    {
        try
        {
            using var tcp = new System.Net.Sockets.TcpClient();
            await tcp.ConnectAsync(route.ConnectHost, route.ConnectPort);
            await using var ssl = new System.Net.Security.SslStream(tcp.GetStream(), false, EdgeCertificates.AcceptOwnProxy);
            await ssl.AuthenticateAsClientAsync(route.Request.Host);
            return ((X509Certificate2)ssl.RemoteCertificate!).NotAfter.ToUniversalTime();
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or System.Security.Authentication.AuthenticationException)
        {
            return DateTime.MinValue;
        }
    }

    private static int TlsPort(MaintenanceBed bed) => int.Parse(bed.Info.Values["tls_port"], CultureInfo.InvariantCulture);

    /// <summary>What the public sees: https://kf.kobo.test through the proxy's published port, SNI and Host as a browser sends them.</summary>
    private static async Task<HttpResponseMessage> GetThroughProxyAsync(MaintenanceBed bed, string host, string path)
    {
        using var http = MaintenanceProbe.ClientFor(new VerifyRoute(new Uri($"https://{host}/"), "127.0.0.1", TlsPort(bed), "test"));
        return await http.GetAsync(new Uri($"https://{host}{path}"));
    }
}
