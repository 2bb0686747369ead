using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.Testing;

namespace KoboConsole.IntegrationTests.Audit;

public sealed class AuditApiTests : IAsyncLifetime
{
    private readonly ConsoleAppFactory _app = new();
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _admin = _app.CreateBrowserLikeClient();
        using var created = await _admin.PostAsJsonAsync("/api/v1/tokens", new { username = "admin", password = ConsoleAppFactory.AdminPassword, name = "audit-test" });
        var token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        _admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var user = await _admin.PostAsJsonAsync("/api/v1/users", new { username = "=cmd|calc", password = "password-of-formula", role = "viewer" });
        using var viewer = await _admin.PostAsJsonAsync("/api/v1/users", new { username = "vera", password = "password-of-vera", role = "viewer" });
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task List_FilteredByAction_ReturnsOnlyThoseNewestFirst()
    {
        var entries = await _admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=user.");

        var actions = entries.EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.NotEmpty(actions);
        Assert.All(actions, a => Assert.StartsWith("user.", a, StringComparison.Ordinal));
        var targets = entries.EnumerateArray().Select(e => e.GetProperty("target").GetString()).ToList();
        Assert.Equal("vera", targets[0]);
    }

    [Fact]
    public async Task List_TokenCreation_IsAuditedWithoutTheToken()
    {
        var body = await _admin.GetStringAsync(new Uri("/api/v1/audit?action=token.create", UriKind.Relative));

        Assert.Contains("audit-test", body, StringComparison.Ordinal);
        Assert.DoesNotContain("kc_", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_FormulaLookingValues_AreDefused()
    {
        using var response = await _admin.GetAsync(new Uri("/api/v1/audit?format=csv", UriKind.Relative));
        var csv = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("at,actor,action,target,outcome,details,durationMs\n", csv, StringComparison.Ordinal);
        Assert.Contains("\"'=cmd|calc\"", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_BadTime_Is422NamingTheField()
    {
        using var response = await _admin.GetAsync(new Uri("/api/v1/audit?from=yesterday", UriKind.Relative));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("\"from\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_Viewer_IsForbidden()
    {
        using var client = _app.CreateBrowserLikeClient();
        using var created = await client.PostAsJsonAsync("/api/v1/tokens", new { username = "vera", password = "password-of-vera", name = "v" });
        var token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await client.GetAsync(new Uri("/api/v1/audit", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
