using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KoboConsole.Testing;

namespace KoboConsole.IntegrationTests.Security;

/// <summary>
/// Cookies (session and antiforgery) are HttpOnly and SameSite always, and Secure when the request
/// came over TLS (a real Kestrel HTTPS endpoint with a certificate made here); form posts without
/// an antiforgery token are refused.
/// </summary>
public sealed class CookieAndFormTests
{
    [Fact]
    public async Task Login_OverHttps_SetsSecureHttpOnlySameSiteCookies()
    {
        using var certificate = SelfSigned();
        await using var app = new ConsoleAppFactory(RoleClients.NoDocker(), httpsCertificate: certificate);
        var address = app.StartRealServer();
        Assert.Equal("https", address.Scheme);
        using var handler = new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = new CookieContainer(),
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == certificate.Thumbprint,
        };
        using var client = new HttpClient(handler) { BaseAddress = address };

        using var page = await client.GetAsync(new Uri("/login", UriKind.Relative));
        using var login = await ConsoleAppFactory.PostLoginAsync(client, ConsoleAppFactory.AdminUser, ConsoleAppFactory.AdminPassword);

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var cookies = SetCookies(page).Concat(SetCookies(login)).ToList();
        Assert.Contains(cookies, c => c.StartsWith("KoboConsole.Auth=", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        Assert.All(cookies, c =>
        {
            Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("; httponly", c, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("; samesite=strict", c, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public async Task Login_ForwardedProtoHttpsFromTrustedProxy_SetsSecureCookie()
    {
        // The real server on loopback: the request comes from 127.0.0.1, configured as the proxy.
        var settings = RoleClients.NoDocker();
        settings["KoboConsole:Http:KnownProxies:0"] = "127.0.0.1";
        await using var app = new ConsoleAppFactory(settings, realPort: true);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.StartRealServer() };
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");

        using var page = await client.GetAsync(new Uri("/login", UriKind.Relative));

        var antiforgery = Assert.Single(SetCookies(page), c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        Assert.Contains("; secure", antiforgery, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Login_ForwardedProtoFromLoopbackWithoutConfiguredProxy_Ignored()
    {
        await using var app = new ConsoleAppFactory(RoleClients.NoDocker(), realPort: true);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.StartRealServer() };
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");

        using var page = await client.GetAsync(new Uri("/login", UriKind.Relative));

        var antiforgery = Assert.Single(SetCookies(page), c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        Assert.DoesNotContain("; secure", antiforgery, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Login_OverPlainHttp_CookiesAreHttpOnlyAndSameSite()
    {
        await using var app = new ConsoleAppFactory(RoleClients.NoDocker());
        using var client = app.CreateBrowserLikeClient();

        using var login = await ConsoleAppFactory.PostLoginAsync(client, ConsoleAppFactory.AdminUser, ConsoleAppFactory.AdminPassword);

        var auth = Assert.Single(SetCookies(login), c => c.StartsWith("KoboConsole.Auth=", StringComparison.Ordinal));
        Assert.Contains("; httponly", auth, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; samesite=strict", auth, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("; secure", auth, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/login")]
    [InlineData("/logout")]
    public async Task FormPost_WithoutAntiforgeryToken_IsRefusedAndSignsNobodyIn(string path)
    {
        await using var app = new ConsoleAppFactory(RoleClients.NoDocker());
        using var client = app.CreateBrowserLikeClient();
        using var signedIn = await ConsoleAppFactory.PostLoginAsync(client, ConsoleAppFactory.AdminUser, ConsoleAppFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["Input.Username"] = ConsoleAppFactory.AdminUser,
            ["Input.Password"] = ConsoleAppFactory.AdminPassword,
        });

        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(SetCookies(response), c => c.StartsWith("KoboConsole.Auth=", StringComparison.Ordinal));
        // The logout was refused too: the session still works.
        using var after = await client.GetAsync(new Uri("/api/v1/users", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    private static IEnumerable<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [];

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Kestrel needs the private key in a form the platform's TLS can use: round-trip through PFX.
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }
}
