using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using KoboConsole.Testing;

namespace KoboConsole.IntegrationTests.Auth;

/// <summary>Who may reach what: anonymous, viewer, operator, admin; cookie and Bearer.</summary>
public sealed class AccessTests : IAsyncLifetime
{
    private readonly ConsoleAppFactory _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("/")]
    [InlineData("/topology")]
    [InlineData("/maintenance")]
    [InlineData("/backups")]
    [InlineData("/logs")]
    [InlineData("/jobs")]
    [InlineData("/audit")]
    [InlineData("/settings")]
    [InlineData("/restores")]
    [InlineData("/upgrades")]
    [InlineData("/hangfire")]
    public async Task Page_Anonymous_RedirectsToLogin(string path)
    {
        using var client = _app.CreateBrowserLikeClient();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/login", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/api/v1/users")]
    [InlineData("POST", "/api/v1/users")]
    [InlineData("DELETE", "/api/v1/users/someone")]
    [InlineData("POST", "/hubs/logs/negotiate?negotiateVersion=1")]
    [InlineData("GET", "/api/v1/anything-unmapped")]
    public async Task Machine_Anonymous_Gets401(string method, string path)
    {
        using var client = _app.CreateBrowserLikeClient();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Healthz_Anonymous_Is200WithoutDetails()
    {
        using var client = _app.CreateBrowserLikeClient();

        var body = await client.GetStringAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal("ok", body);
    }

    [Fact]
    public async Task Token_RightCredentials_WorksAsBearerAndIsHashedAtRest()
    {
        using var client = _app.CreateBrowserLikeClient();
        using var created = await client.PostAsJsonAsync("/api/v1/tokens", new { username = "admin", password = ConsoleAppFactory.AdminPassword, name = "upgrade pipeline" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<TokenBody>();
        Assert.NotNull(body);
        Assert.Equal("upgrade pipeline", body.Name);
        Assert.Equal("admin", body.Role);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", body.Token);
        using var users = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, users.StatusCode);

        var dbBytes = await ReadAllSqliteFilesAsync();
        Assert.DoesNotContain(body.Token, dbBytes, StringComparison.Ordinal);
        Assert.Contains(KoboConsole.Web.Features.Auth.ApiTokenService.Hash(body.Token), dbBytes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_WrongPassword_Is401Problem()
    {
        using var client = _app.CreateBrowserLikeClient();

        using var response = await client.PostAsJsonAsync("/api/v1/tokens", new { username = "admin", password = "nope-nope-nope", name = "x" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Token_UnknownField_Is400NamingTheField()
    {
        using var client = _app.CreateBrowserLikeClient();

        using var response = await client.PostAsJsonAsync("/api/v1/tokens", new { username = "admin", password = "x", name = "x", scope = "all" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("scope", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bearer_UnknownToken_Is401()
    {
        using var client = _app.CreateBrowserLikeClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "kc_not-a-real-token");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("viewer", HttpStatusCode.Forbidden)]
    [InlineData("operator", HttpStatusCode.Forbidden)]
    [InlineData("admin", HttpStatusCode.OK)]
    public async Task UsersApi_ByRole_OnlyAdminsPass(string role, HttpStatusCode expected)
    {
        var token = await TokenForNewUserAsync(role);
        using var client = _app.CreateBrowserLikeClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Hub_WithAccessTokenQuery_Negotiates()
    {
        var token = await TokenForNewUserAsync("viewer");
        using var client = _app.CreateBrowserLikeClient();

        using var response = await client.PostAsync(new Uri($"/hubs/logs/negotiate?negotiateVersion=1&access_token={token}", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AdminPage_Viewer_IsForbidden()
    {
        await TokenForNewUserAsync("viewer", "viewer-page");
        using var client = _app.CreateBrowserLikeClient();
        using (await ConsoleAppFactory.PostLoginAsync(client, "viewer-page", "password-of-viewer-page"))
        {
        }

        using var overview = await client.GetAsync(new Uri("/", UriKind.Relative));
        using var settings = await client.GetAsync(new Uri("/settings", UriKind.Relative));
        using var hangfire = await client.GetAsync(new Uri("/hangfire", UriKind.Relative));
        using var restores = await client.GetAsync(new Uri("/restores", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, settings.StatusCode);
        Assert.Contains("/forbidden", settings.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Contains("/forbidden", hangfire.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Contains("/forbidden", restores.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisabledUser_TokenAndSessionStopWorking()
    {
        var token = await TokenForNewUserAsync("operator", "leaver");
        using var admin = await AdminClientAsync();
        using var disabled = await admin.DeleteAsync(new Uri("/api/v1/users/leaver", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, disabled.StatusCode);

        using var client = _app.CreateBrowserLikeClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task CreateUser_WeakPassword_Is422NamingTheField()
    {
        using var admin = await AdminClientAsync();

        using var response = await admin.PostAsJsonAsync("/api/v1/users", new { username = "bob", password = "short", role = "viewer" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("\"password\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<HttpClient> AdminClientAsync()
    {
        var client = _app.CreateBrowserLikeClient();
        using var created = await client.PostAsJsonAsync("/api/v1/tokens", new { username = "admin", password = ConsoleAppFactory.AdminPassword, name = "test-admin" });
        var body = await created.Content.ReadFromJsonAsync<TokenBody>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body!.Token);
        return client;
    }

    private async Task<string> TokenForNewUserAsync(string role, string? username = null)
    {
        username ??= $"{role}-user";
        var password = $"password-of-{username}";
        using var admin = await AdminClientAsync();
        using var created = await admin.PostAsJsonAsync("/api/v1/users", new { username, password, role });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var tokenResponse = await admin.PostAsJsonAsync("/api/v1/tokens", new { username, password, name = "t" });
        return (await tokenResponse.Content.ReadFromJsonAsync<TokenBody>())!.Token;
    }

    private async Task<string> ReadAllSqliteFilesAsync()
    {
        var text = new System.Text.StringBuilder();
        foreach (var file in Directory.GetFiles(_app.DataDirectory, "koboconsole.db*"))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream, System.Text.Encoding.Latin1);
            text.Append(await reader.ReadToEndAsync());
        }

        return text.ToString();
    }

    private sealed record TokenBody(string Token, string Name, string Role);
}
