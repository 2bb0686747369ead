using System.Net;
using System.Net.Http.Json;
using KoboConsole.Testing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace KoboConsole.IntegrationTests.Security;

/// <summary>
/// Every endpoint the app maps (pages, API, hubs, the Hangfire dashboard), enumerated from the app's
/// EndpointDataSource so a new one cannot be forgotten, checked against the minimum role it should
/// need: anonymous gets 401 or the login page, a smaller role gets 403, the minimum role gets through.
/// The Docker host points nowhere, so what the allowed requests try cannot touch a container.
/// </summary>
public sealed class EndpointAccessTests : IAsyncLifetime
{
    // Knowingly anonymous: probes, the sign-in pages, the token exchange (it checks credentials itself).
    private static readonly HashSet<string> Anonymous = new(StringComparer.OrdinalIgnoreCase)
    {
        "GET /healthz", "GET /readyz", "GET /login", "POST /login", "GET /setup", "POST /setup", "POST /api/v1/tokens",
    };

    // Route patterns (any method) or "METHOD pattern" with a reviewed minimum role, where the rules below would say otherwise.
    private static readonly Dictionary<string, string> Reviewed = new(StringComparer.OrdinalIgnoreCase)
    {
        ["POST /logout"] = "viewer",
        ["/maintenance"] = "operator",
        ["GET /api/v1/restores/{runId}"] = "viewer",
        ["GET /api/v1/stack/updates"] = "viewer",
    };

    // Admin-only areas: users, tokens, restores, upgrades, stack operations, alert channels, settings, audit, the job dashboard. A new endpoint under one is admin-only.
    private static readonly string[] AdminPrefixes =
        ["/api/v1/users", "/api/v1/tokens", "/api/v1/restores", "/api/v1/upgrades", "/api/v1/stack", "/api/v1/alerts", "/api/v1/settings", "/api/v1/audit", "/hangfire", "/admin", "/settings", "/audit", "/restores", "/upgrades"];

    private readonly ConsoleAppFactory _app = new(RoleClients.NoDocker());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>The expected minimum role: reviewed table, then admin areas, then "API changes need operator", else viewer.</summary>
    internal static string MinimumRole(string method, string pattern)
    {
        if (Reviewed.TryGetValue($"{method} {pattern}", out var role) || Reviewed.TryGetValue(pattern, out role))
        {
            return role;
        }

        if (AdminPrefixes.Any(p => pattern.Equals(p, StringComparison.OrdinalIgnoreCase) || pattern.StartsWith(p + "/", StringComparison.OrdinalIgnoreCase)))
        {
            return "admin";
        }

        return pattern.StartsWith("/api/", StringComparison.Ordinal) && method is "POST" or "PUT" or "PATCH" or "DELETE" ? "operator" : "viewer";
    }

    [Fact]
    public async Task EveryEndpoint_Anonymous_IsRefusedUnlessKnowinglyAnonymous()
    {
        var endpoints = MappedEndpoints();
        // The enumeration reaches every kind of endpoint the brief names.
        Assert.Contains(endpoints, e => e.Key == "GET /api/v1/users");
        Assert.Contains(endpoints, e => e.Path.StartsWith("/hubs/logs", StringComparison.Ordinal));
        Assert.Contains(endpoints, e => e.Path.StartsWith("/hangfire", StringComparison.Ordinal));
        Assert.Contains(endpoints, e => e.Key == "GET /topology");
        Assert.Contains(endpoints, e => e.Path.StartsWith("/_blazor", StringComparison.Ordinal));
        using var client = _app.CreateBrowserLikeClient();
        var failures = new List<string>();

        foreach (var endpoint in endpoints)
        {
            var declaredAnonymous = endpoint.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            if (Anonymous.Contains(endpoint.Key))
            {
                continue;
            }

            if (declaredAnonymous)
            {
                failures.Add($"{endpoint.Key} allows anonymous access but is not on the reviewed list");
                continue;
            }

            using var response = await client.SendAsync(Request(endpoint.Method, endpoint.Path));
            var refused = response.StatusCode == HttpStatusCode.Unauthorized
                || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.ToString().Contains("/login", StringComparison.Ordinal));
            if (!refused)
            {
                failures.Add($"{endpoint.Key} answered {(int)response.StatusCode} to an anonymous request");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Theory]
    [InlineData("viewer")]
    [InlineData("operator")]
    [InlineData("admin")]
    public async Task EveryEndpoint_Role_IsForbiddenExactlyBelowItsMinimumRole(string role)
    {
        using var client = await RoleClients.ForRoleAsync(_app, role);
        var failures = new List<string>();
        // Operator endpoints a viewer must not reach (the loop covers every endpoint; these prove new ones are in it).
        Assert.Contains(MappedEndpoints(), e => e.Key == "POST /api/v1/drills");
        Assert.Contains(MappedEndpoints(), e => e.Key == "PUT /api/v1/backups/schedules/{id}");
        var checkedForbidden = 0;

        foreach (var endpoint in MappedEndpoints().Where(e => !Anonymous.Contains(e.Key)))
        {
            var minimum = MinimumRole(endpoint.Method, endpoint.Pattern);
            var mayPass = Rank(role) >= Rank(minimum);
            using var response = await client.SendAsync(Request(endpoint.Method, endpoint.Path));
            var status = (int)response.StatusCode;
            if (!mayPass && response.StatusCode != HttpStatusCode.Forbidden)
            {
                failures.Add($"{endpoint.Key} (needs {minimum}) answered {status} to a {role}, not 403");
            }
            else if (mayPass && status is 401 or 403)
            {
                failures.Add($"{endpoint.Key} (needs {minimum}) refused a {role} with {status}");
            }

            checkedForbidden += mayPass ? 0 : 1;
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.True(role == "admin" || checkedForbidden > 0, $"no endpoint was expected to refuse a {role}");
    }

    [Fact]
    public async Task EveryUnsafeEndpoint_AdminCookieFromAnotherOrigin_Is403BeforeItRuns()
    {
        // Issue 21: the login cookie reaches the console from other origins of the same site; a request
        // that changes something must come from the console's own pages, whatever route it is.
        using var client = _app.CreateBrowserLikeClient();
        using (var login = await ConsoleAppFactory.PostLoginAsync(client, ConsoleAppFactory.AdminUser, ConsoleAppFactory.AdminPassword))
        {
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        }

        var unsafeEndpoints = MappedEndpoints().Where(e => e.Method is "POST" or "PUT" or "PATCH" or "DELETE").Select(e => (Key: e.Key, Method: e.Method, Path: e.Path))
            // The Hangfire dashboard maps one catch-all route; its requeue and delete buttons post to these.
            .Append((Key: "POST /hangfire/jobs/enqueued/delete", Method: "POST", Path: "/hangfire/jobs/enqueued/delete"))
            .Append((Key: "POST /hangfire/jobs/failed/requeue", Method: "POST", Path: "/hangfire/jobs/failed/requeue")).ToList();
        Assert.Contains(unsafeEndpoints, e => e.Path.StartsWith("/_blazor", StringComparison.Ordinal));
        Assert.Contains(unsafeEndpoints, e => e.Path.StartsWith("/hubs/logs", StringComparison.Ordinal));
        Assert.Contains(unsafeEndpoints, e => e.Key == "POST /api/v1/maintenance/disable");
        var failures = new List<string>();

        foreach (var endpoint in unsafeEndpoints)
        {
            foreach (var origin in new[] { "http://localhost:8080", null })
            {
                using var request = Request(endpoint.Method, endpoint.Path);
                if (origin is not null)
                {
                    request.Headers.Add("Origin", origin);
                }

                using var response = await client.SendAsync(request);
                if (response.StatusCode != HttpStatusCode.Forbidden || !(await response.Content.ReadAsStringAsync()).Contains("Cross-origin request refused", StringComparison.Ordinal))
                {
                    failures.Add($"{endpoint.Key} with the cookie and {(origin is null ? "no Origin" : "Origin " + origin)} answered {(int)response.StatusCode}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Theory]
    [InlineData("POST", "/api/v1/restores", "admin")]
    [InlineData("PUT", "/api/v1/users/{username}", "admin")]
    [InlineData("DELETE", "/api/v1/tokens/{name}", "admin")]
    [InlineData("POST", "/api/v1/backups", "operator")]
    [InlineData("GET", "/api/v1/backups", "viewer")]
    [InlineData("GET", "/api/v1/backups/schedules", "viewer")]
    [InlineData("PUT", "/api/v1/backups/schedules/{id}", "operator")]
    [InlineData("DELETE", "/api/v1/backups/schedules/{id}", "operator")]
    [InlineData("GET", "/maintenance", "operator")]
    [InlineData("GET", "/admin/users", "admin")]
    [InlineData("GET", "/api/v1/alerts/channels", "admin")]
    [InlineData("POST", "/api/v1/alerts/channels", "admin")]
    [InlineData("PUT", "/api/v1/alerts/channels/{name}", "admin")]
    [InlineData("DELETE", "/api/v1/alerts/channels/{name}", "admin")]
    [InlineData("POST", "/api/v1/alerts/channels/{name}/test", "admin")]
    [InlineData("GET", "/api/v1/alerts/deliveries", "admin")]
    [InlineData("GET", "/settings", "admin")]
    public void MinimumRole_KnownEndpoints_MatchTheContract(string method, string pattern, string expected) =>
        Assert.Equal(expected, MinimumRole(method, pattern));

    private static int Rank(string role) => role switch { "viewer" => 1, "operator" => 2, "admin" => 3, _ => 0 };

    private static HttpRequestMessage Request(string method, string path) =>
        new(new HttpMethod(method), path) { Content = method is "GET" or "DELETE" ? null : JsonContent.Create(new { }) };

    private List<MappedEndpoint> MappedEndpoints() => MappedEndpoint.All(_app.Services);
}
