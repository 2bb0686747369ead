using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Security;

/// <summary>
/// Cross-site request forgery (issue 21, decision 0013): a request signed in with the login cookie
/// must come from the console's own pages (its own Origin, or Sec-Fetch-Site: same-origin) and may
/// carry JSON only on the API; a request with an API token is answered as before. The cookie comes
/// from a real login through the login form.
/// </summary>
public sealed class CrossOriginTests : IAsyncLifetime
{
    private const string Own = "http://localhost";
    private readonly ConsoleAppFactory _app = new(RoleClients.NoDocker());
    private HttpClient _cookie = null!;

    public async Task InitializeAsync()
    {
        _cookie = await CookieClientAsync(_app);
    }

    public async Task DisposeAsync()
    {
        _cookie.Dispose();
        await _app.DisposeAsync();
    }

    /// <summary>A client signed in through the login form, holding the cookie as a browser would.</summary>
    internal static async Task<HttpClient> CookieClientAsync(ConsoleAppFactory app)
    {
        var client = app.CreateBrowserLikeClient();
        using var login = await ConsoleAppFactory.PostLoginAsync(client, ConsoleAppFactory.AdminUser, ConsoleAppFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return client;
    }

    [Fact]
    public async Task MaintenanceDisable_CookieFromOtherOriginWithForm_Is403AndNothingRuns()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/maintenance/disable")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["x"] = "1" }),
        };
        request.Headers.Add("Origin", "http://evil.example");

        using var response = await _cookie.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await ProblemAsync(response);
        Assert.Equal("Cross-origin request refused", problem.GetProperty("title").GetString());
        Assert.Contains("http://evil.example", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(await AuditAsync(), e => e.Action == "maintenance.disable");
    }

    [Fact]
    public async Task MaintenanceDisable_CookieSameOriginNoBody_ReachesTheSwitch()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/maintenance/disable");
        request.Headers.Add("Origin", Own);

        using var response = await _cookie.SendAsync(request);

        // No Docker engine answers: the switch refuses (409) and says so in the audit, as the admin.
        Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(await AuditAsync(), e => e.Action == "maintenance.disable" && e.Actor == ConsoleAppFactory.AdminUser);
    }

    [Fact]
    public async Task CreateUser_CookieSameOriginJson_IsCreated()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/users")
        {
            Content = JsonContent.Create(new { username = "same-origin", password = "password-of-same-origin", role = "viewer" }),
        };
        request.Headers.Add("Origin", Own);

        using var response = await _cookie.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task CreateUser_CookieWithSecFetchSiteSameOriginAndNoOrigin_IsCreated()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/users")
        {
            Content = JsonContent.Create(new { username = "fetch-site", password = "password-of-fetch-site", role = "viewer" }),
        };
        request.Headers.Add("Sec-Fetch-Site", "same-origin");

        using var response = await _cookie.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("text/plain")]
    public async Task CreateUser_CookieSameOriginFormContentType_Is415NamingIt(string contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/users")
        {
            Content = new StringContent("""{"username":"formed","password":"password-of-formed","role":"viewer"}""", Encoding.UTF8),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("Origin", Own);

        using var response = await _cookie.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var detail = (await ProblemAsync(response)).GetProperty("detail").GetString()!;
        Assert.Contains(contentType.Split(';')[0], detail, StringComparison.Ordinal);
        Assert.Contains("application/json", detail, StringComparison.Ordinal);
        Assert.DoesNotContain(await UsersAsync(), u => u == "formed");
    }

    [Fact]
    public async Task CreateUser_CookieWithNeitherOriginNorSecFetchSite_Is403()
    {
        using var response = await _cookie.PostAsJsonAsync("/api/v1/users", new { username = "no-origin", password = "password-of-no-origin", role = "viewer" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Origin", (await ProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(await UsersAsync(), u => u == "no-origin");
    }

    [Theory]
    [InlineData("http://localhost:8080")]
    [InlineData("https://localhost")]
    [InlineData("http://kf.localhost")]
    [InlineData("null")]
    public async Task CreateUser_CookieFromAnotherOriginOfTheSameSite_Is403(string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/users")
        {
            Content = JsonContent.Create(new { username = "other-origin", password = "password-of-other-origin", role = "viewer" }),
        };
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Sec-Fetch-Site", "same-site");

        using var response = await _cookie.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(await UsersAsync(), u => u == "other-origin");
    }

    [Fact]
    public async Task CreateUser_BearerTokenWithNoOriginAndAnyContentType_IsAnsweredAsBefore()
    {
        using var bearer = _app.CreateClient();
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await RoleClients.TokenAsync(bearer, ConsoleAppFactory.AdminUser, ConsoleAppFactory.AdminPassword));

        using var created = await bearer.PostAsJsonAsync("/api/v1/users", new { username = "by-token", password = "password-of-by-token", role = "viewer" });
        using var form = await bearer.PostAsync(new Uri("/api/v1/maintenance/disable", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["x"] = "1" }));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        // As before: the body is ignored and the switch is reached (no engine here: 409), not 403 or 415.
        Assert.NotEqual(HttpStatusCode.Forbidden, form.StatusCode);
        Assert.NotEqual(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
    }

    [Theory]
    [InlineData("/hubs/logs/negotiate?negotiateVersion=1")]
    [InlineData("/_blazor/negotiate?negotiateVersion=1")]
    public async Task Negotiate_CookieFromOtherOrigin_Is403AndSameOriginIs200(string path)
    {
        using var foreign = new HttpRequestMessage(HttpMethod.Post, path);
        foreign.Headers.Add("Origin", "http://localhost:9999");
        using var own = new HttpRequestMessage(HttpMethod.Post, path);
        own.Headers.Add("Origin", Own);

        using var refused = await _cookie.SendAsync(foreign);
        using var accepted = await _cookie.SendAsync(own);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task HubWebSocketHandshake_CookieFromOtherOrigin_Is403()
    {
        // The GET that would upgrade to a WebSocket: browsers send Origin on it and nothing else stops it.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/hubs/logs?id=x");
        request.Headers.Add("Origin", "http://localhost:9999");

        using var response = await _cookie.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task HangfireDashboardPost_CookieFromOtherOrigin_Is403()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hangfire/jobs/enqueued/delete")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["jobs[]"] = "1" }),
        };
        request.Headers.Add("Origin", "http://localhost:9999");

        using var response = await _cookie.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task CreateUser_BehindTrustedProxyWithForwardedHttps_ComparesWithTheForwardedScheme()
    {
        // A real port: the request comes from loopback, configured as a trusted proxy, so X-Forwarded-Proto is believed.
        var settings = RoleClients.NoDocker();
        settings["KoboConsole:Http:KnownProxies:0"] = "127.0.0.1";
        await using var app = new ConsoleAppFactory(settings, realPort: true);
        var address = app.StartRealServer();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = address };
        using (var login = await ConsoleAppFactory.PostLoginAsync(client, ConsoleAppFactory.AdminUser, ConsoleAppFactory.AdminPassword))
        {
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        }

        var https = $"https://{address.Authority}";
        using var asTls = Post(https, "behind-tls");
        using var asPlain = Post($"http://{address.Authority}", "behind-plain");

        using var accepted = await client.SendAsync(asTls);
        using var refused = await client.SendAsync(asPlain);

        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains(https, (await ProblemAsync(refused)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        static HttpRequestMessage Post(string origin, string username)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/users")
            {
                Content = JsonContent.Create(new { username, password = "password-of-" + username, role = "viewer" }),
            };
            request.Headers.Add("Origin", origin);
            request.Headers.Add("X-Forwarded-Proto", "https");
            return request;
        }
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private Task<IReadOnlyList<AuditEntry>> AuditAsync() =>
        _app.Services.GetRequiredService<AuditLog>().ReadAsync(1000, CancellationToken.None);

    private async Task<List<string>> UsersAsync() =>
        [.. (await _app.Services.GetRequiredService<KoboConsole.Web.Features.Auth.UserService>().ListAsync(CancellationToken.None)).Select(u => u.Username)];
}
