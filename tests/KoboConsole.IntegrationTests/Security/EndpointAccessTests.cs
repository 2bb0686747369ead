using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.Testing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Security;

/// <summary>
/// Every endpoint the app maps, enumerated from the app itself (so a new one cannot be forgotten):
/// anonymous requests get 401 or the login page unless the endpoint is knowingly anonymous, and a
/// viewer gets 403 on everything that changes state.
/// </summary>
public sealed class EndpointAccessTests : IAsyncLifetime
{
    // Knowingly anonymous: probes, the sign-in pages, the token exchange (it checks credentials itself).
    private static readonly HashSet<string> Anonymous = new(StringComparer.OrdinalIgnoreCase)
    {
        "GET /healthz", "GET /readyz", "GET /login", "POST /login", "GET /setup", "POST /setup", "POST /api/v1/tokens",
    };

    // Mutations a viewer may make: signing out.
    private static readonly HashSet<string> ViewerMayChange = new(StringComparer.OrdinalIgnoreCase) { "POST /logout" };

    private readonly ConsoleAppFactory _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task EveryEndpoint_Anonymous_IsRefusedUnlessKnowinglyAnonymous()
    {
        var endpoints = MappedEndpoints();
        Assert.Contains(endpoints, e => e.Key == "GET /api/v1/users");
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

            using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Path));
            var refused = response.StatusCode == HttpStatusCode.Unauthorized
                || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.ToString().Contains("/login", StringComparison.Ordinal));
            if (!refused)
            {
                failures.Add($"{endpoint.Key} answered {(int)response.StatusCode} to an anonymous request");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task EveryMutatingEndpoint_Viewer_IsForbidden()
    {
        using var client = await ViewerClientAsync();
        var failures = new List<string>();
        // Operator endpoints a viewer must not reach (the loop covers every endpoint; these prove new ones are in it).
        Assert.Contains(MappedEndpoints(), e => e.Key == "POST /api/v1/drills");

        foreach (var endpoint in MappedEndpoints().Where(e => e.Method is "POST" or "PUT" or "PATCH" or "DELETE"))
        {
            if (Anonymous.Contains(endpoint.Key) || ViewerMayChange.Contains(endpoint.Key) || IsPage(endpoint.Endpoint) || endpoint.Path.StartsWith("/_blazor", StringComparison.Ordinal)
                || endpoint.Path.StartsWith("/hubs/", StringComparison.Ordinal) || endpoint.Path.StartsWith("/hangfire", StringComparison.Ordinal))
            {
                // Pages take POST only for their own forms (antiforgery-checked); changes made on a page go
                // through the circuit and its component authorization. Hubs: SignalR transport;
                // /hangfire: admin-only (covered by the page tests); /_blazor: the UI circuit.
                continue;
            }

            using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Path) { Content = JsonContent.Create(new { }) };
            using var response = await client.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Forbidden)
            {
                failures.Add($"{endpoint.Key} answered {(int)response.StatusCode} to a viewer");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task EveryAdminEndpoint_Operator_IsForbidden()
    {
        // Admin-only by the contract: users, audit, restores (an operator may back up, never restore).
        var adminOnly = MappedEndpoints()
            .Where(e => e.Endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == KoboConsole.Web.Features.Auth.Roles.Admin)
                && !e.Path.StartsWith("/hangfire", StringComparison.Ordinal) && !IsPage(e.Endpoint))
            .ToList();
        Assert.Contains(adminOnly, e => e.Key.TrimEnd('/') == "POST /api/v1/restores");
        Assert.Contains(adminOnly, e => e.Key == "POST /api/v1/restores/preflight");
        using var client = await ClientWithRoleAsync("olga", "operator");
        var failures = new List<string>();

        foreach (var endpoint in adminOnly)
        {
            using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Path) { Content = JsonContent.Create(new { }) };
            using var response = await client.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Forbidden)
            {
                failures.Add($"{endpoint.Key} answered {(int)response.StatusCode} to an operator");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private Task<HttpClient> ViewerClientAsync() => ClientWithRoleAsync("vic", "viewer");

    private async Task<HttpClient> ClientWithRoleAsync(string username, string role)
    {
        var client = _app.CreateBrowserLikeClient();
        using var admin = await client.PostAsJsonAsync("/api/v1/tokens", new { username = "admin", password = ConsoleAppFactory.AdminPassword, name = "a" });
        var adminToken = (await admin.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/v1/users") { Content = JsonContent.Create(new { username, password = $"password-of-{username}", role }) };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        using (await client.SendAsync(create))
        {
        }

        using var viewer = await client.PostAsJsonAsync("/api/v1/tokens", new { username, password = $"password-of-{username}", name = "v" });
        var token = (await viewer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Route endpoints other than static files, each with a concrete path (parameters filled in) and method.</summary>
    private List<(string Key, string Method, string Path, Endpoint Endpoint)> MappedEndpoints()
    {
        var sources = _app.Services.GetServices<EndpointDataSource>();
        var list = new List<(string, string, string, Endpoint)>();
        foreach (var endpoint in sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            if (IsStaticFile(endpoint, pattern))
            {
                continue;
            }

            var path = System.Text.RegularExpressions.Regex.Replace(pattern, @"\{\*{0,2}([^}:=?]+)[^}]*\}", "probe");
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (var method in methods.Where(m => m != "OPTIONS" && m != "HEAD"))
            {
                list.Add(($"{method} {pattern}", method, path, endpoint));
            }
        }

        return list.DistinctBy(e => e.Item1).ToList();
    }

    private static bool IsPage(Endpoint endpoint) =>
        endpoint.Metadata.Any(m => m.GetType().Name == "ComponentTypeMetadata");

    private static bool IsStaticFile(RouteEndpoint endpoint, string pattern) =>
        endpoint.Metadata.Any(m => m.GetType().Name.Contains("StaticAsset", StringComparison.Ordinal))
        || pattern.StartsWith("/_framework/", StringComparison.Ordinal) || pattern.StartsWith("/_content/", StringComparison.Ordinal);
}
