using System.Net;
using System.Text.Json;
using KoboConsole.IntegrationTests.Security;
using KoboConsole.Testing;

namespace KoboConsole.IntegrationTests.Web;

/// <summary>The OpenAPI document describes every /api/v1 route the app maps, with its role, and only signed-in users read it.</summary>
public sealed class OpenApiTests : IAsyncLifetime
{
    private readonly ConsoleAppFactory _app = new(RoleClients.NoDocker());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Document_EveryMappedApiRoute_IsDescribedWithItsRole()
    {
        using var client = await RoleClients.ForRoleAsync(_app, "viewer");
        using var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = doc.RootElement.GetProperty("paths");

        var mapped = MappedEndpoint.All(_app.Services).Where(e => e.Pattern.StartsWith("/api/v1/", StringComparison.Ordinal)).ToList();
        Assert.True(mapped.Count > 20, $"only {mapped.Count} API routes were found in the app");
        var missing = new List<string>();
        foreach (var e in mapped)
        {
            // OpenAPI writes route parameters without constraints: {id:long} is {id}.
            var path = System.Text.RegularExpressions.Regex.Replace(e.Pattern, @"\{([^}:=?]+)[^}]*\}", "{$1}");
            if (!paths.TryGetProperty(path, out var item) || !item.TryGetProperty(e.Method.ToLowerInvariant(), out var operation))
            {
                missing.Add(e.Key);
                continue;
            }

            var role = operation.GetProperty("x-role").GetString();
            Assert.True(role is "viewer" or "operator" or "admin" or "anonymous", $"{e.Key} has role '{role}'");
            Assert.StartsWith("Role: ", operation.GetProperty("description").GetString());
            Assert.True(operation.GetProperty("responses").TryGetProperty("400", out _), $"{e.Key} does not describe its 400 problem");
        }

        Assert.True(missing.Count == 0, "routes missing from /openapi/v1.json: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task Document_RolesMatchPolicies_UsersAreAdminMaintenanceIsOperator()
    {
        using var client = await RoleClients.ForRoleAsync(_app, "viewer");
        using var doc = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var paths = doc.RootElement.GetProperty("paths");
        Assert.Equal("admin", paths.GetProperty("/api/v1/users").GetProperty("get").GetProperty("x-role").GetString());
        Assert.Equal("operator", paths.GetProperty("/api/v1/maintenance/enable").GetProperty("post").GetProperty("x-role").GetString());
        Assert.Equal("viewer", paths.GetProperty("/api/v1/topology").GetProperty("get").GetProperty("x-role").GetString());
        Assert.Equal("anonymous", paths.GetProperty("/api/v1/tokens").GetProperty("post").GetProperty("x-role").GetString());
    }

    [Fact]
    public async Task Document_Anonymous_Gets401()
    {
        using var client = _app.CreateBrowserLikeClient();
        using var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
