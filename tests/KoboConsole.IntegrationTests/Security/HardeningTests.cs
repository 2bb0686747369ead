using System.Net;
using System.Net.Http.Json;
using KoboConsole.Testing;
using KoboConsole.Web.Infrastructure.Http;

namespace KoboConsole.IntegrationTests.Security;

public sealed class HardeningTests : IAsyncLifetime
{
    private readonly ConsoleAppFactory _app = new(new Dictionary<string, string?>
    {
        ["KoboConsole:Docker:Hosts:0:Name"] = "local",
        ["KoboConsole:Docker:Hosts:0:Endpoint"] = "unix:///var/run/docker.sock",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("/login")]
    [InlineData("/healthz")]
    [InlineData("/api/v1/users")]
    public async Task AnyResponse_CarriesSecurityHeaders(string path)
    {
        using var client = _app.CreateBrowserLikeClient();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        var csp = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", string.Join(' ', response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", string.Join(' ', response.Headers.GetValues("X-Frame-Options")));
        Assert.True(response.Headers.Contains("Referrer-Policy"));
    }

    [Fact]
    public async Task TokenEndpoint_ManyAttemptsFromOneClient_Gets429WithRetryAfter()
    {
        using var client = _app.CreateBrowserLikeClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= LoginRateLimit.PermitsPerMinute; i++)
        {
            using var response = await client.PostAsJsonAsync("/api/v1/tokens", new { username = $"nobody{i}", password = "whatever-wrong", name = "x" });
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal("60", response.Headers.RetryAfter?.ToString());
            }
        }

        Assert.All(statuses.Take(LoginRateLimit.PermitsPerMinute), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        using var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task TokenEndpoint_SpoofedForwardedForFromLoopbackWithoutProxy_StillLimited()
    {
        // The real server, so requests come from 127.0.0.1 (the in-memory test server has no address).
        await using var app = new ConsoleAppFactory(RoleClients.NoDocker(), realPort: true);
        using var client = new HttpClient { BaseAddress = app.StartRealServer() };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= LoginRateLimit.PermitsPerMinute; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tokens")
            {
                Content = JsonContent.Create(new { username = $"nobody{i}", password = "whatever-wrong", name = "x" }),
            };
            request.Headers.Add("X-Forwarded-For", $"203.0.113.{i + 1}");
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses.Take(LoginRateLimit.PermitsPerMinute), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Fact]
    public async Task Readyz_DatabaseAndEngineUp_IsReady()
    {
        using var client = _app.CreateBrowserLikeClient();

        using var response = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"docker:local\"", body, StringComparison.Ordinal);
        Assert.Contains("\"database\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readyz_OneHostDown_Is503NamingIt()
    {
        await using var app = new ConsoleAppFactory(new Dictionary<string, string?>
        {
            ["KoboConsole:Docker:Hosts:0:Name"] = "local",
            ["KoboConsole:Docker:Hosts:0:Endpoint"] = "unix:///var/run/docker.sock",
            ["KoboConsole:Docker:Hosts:1:Name"] = "gone",
            ["KoboConsole:Docker:Hosts:1:Endpoint"] = "unix:///run/koboconsole-no-such.sock",
        });
        using var client = app.CreateBrowserLikeClient();

        using var response = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("{\"name\":\"docker:gone\",\"ok\":false}", body, StringComparison.Ordinal);
        Assert.DoesNotContain("koboconsole-no-such.sock", body, StringComparison.Ordinal);
    }
}
