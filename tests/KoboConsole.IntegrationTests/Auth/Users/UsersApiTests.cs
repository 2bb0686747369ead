using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.IntegrationTests.Security;
using KoboConsole.Testing;

namespace KoboConsole.IntegrationTests.Auth.Users;

/// <summary>The cases on the console's default storage, SQLite.</summary>
public sealed class UsersApiTests : UsersApiCases;

/// <summary>
/// PUT/DELETE /api/v1/users and /api/v1/tokens: what a change does to sessions and tokens, and the
/// last-admin guard; run on each storage provider (<see cref="UsersApiTests"/>, <see cref="UsersApiPostgresTests"/>).
/// </summary>
public abstract class UsersApiCases : IAsyncLifetime
{
    private ConsoleAppFactory _app = null!;
    private HttpClient _admin = null!;

    protected ConsoleAppFactory App => _app;

    protected HttpClient Admin => _admin;

    /// <summary>The console's settings: SQLite in its own data directory unless a subclass points it elsewhere.</summary>
    protected virtual Task<Dictionary<string, string?>> SettingsAsync() => Task.FromResult(RoleClients.NoDocker());

    public async Task InitializeAsync()
    {
        _app = new ConsoleAppFactory(await SettingsAsync());
        _admin = await RoleClients.ForRoleAsync(_app, "admin");
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Put_DemoteTheOnlyAdmin_Is409UntilAnotherAdminExists()
    {
        using var refused = await _admin.PutAsJsonAsync("/api/v1/users/admin", new { role = "operator" });
        var problem = await refused.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("only enabled admin", problem, StringComparison.Ordinal);
        await CreateAsync("ada", "admin");

        using var demoted = await _admin.PutAsJsonAsync("/api/v1/users/admin", new { role = "operator" });

        Assert.Equal(HttpStatusCode.OK, demoted.StatusCode);
        // The token acts with its owner's role as it is now.
        using var users = await _admin.GetAsync(new Uri("/api/v1/users", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, users.StatusCode);
    }

    [Fact]
    public async Task Disable_SignedInUser_CookieAndTokenAreRefusedOnTheNextRequest()
    {
        await CreateAsync("olga", "operator");
        using var browser = _app.CreateBrowserLikeClient();
        using (var login = await ConsoleAppFactory.PostLoginAsync(browser, "olga", "password-of-olga"))
        {
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        }

        using var script = _app.CreateBrowserLikeClient();
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await RoleClients.TokenAsync(script, "olga", "password-of-olga"));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/api/v1/maintenance", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync(new Uri("/api/v1/maintenance", UriKind.Relative))).StatusCode);

        using var disabled = await _admin.DeleteAsync(new Uri("/api/v1/users/olga", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NoContent, disabled.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(new Uri("/api/v1/maintenance", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync(new Uri("/api/v1/maintenance", UriKind.Relative))).StatusCode);
        using var page = await browser.GetAsync(new Uri("/topology", UriKind.Relative));
        Assert.Contains("/login", page.Headers.Location?.ToString() ?? "", StringComparison.Ordinal);
        using var again = await script.PostAsJsonAsync("/api/v1/tokens", new { username = "olga", password = "password-of-olga", name = "again" });
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
    }

    [Fact]
    public async Task Put_ResetPassword_OldPasswordStopsAndNewOneWorks()
    {
        await CreateAsync("pete", "viewer");

        using var reset = await _admin.PutAsJsonAsync("/api/v1/users/pete", new { password = "brand-new-password" });

        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        using var client = _app.CreateBrowserLikeClient();
        using var old = await client.PostAsJsonAsync("/api/v1/tokens", new { username = "pete", password = "password-of-pete", name = "x" });
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        Assert.False(string.IsNullOrEmpty(await RoleClients.TokenAsync(client, "pete", "brand-new-password")));
        var audit = await _admin.GetStringAsync(new Uri("/api/v1/audit?action=user.update", UriKind.Relative));
        Assert.Contains("password reset", audit, StringComparison.Ordinal);
        Assert.DoesNotContain("brand-new-password", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteToken_ByName_NextCallIs401AndListShowsItRevoked()
    {
        await CreateAsync("carl", "viewer");
        using var script = _app.CreateBrowserLikeClient();
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await RoleClients.TokenAsync(script, "carl", "password-of-carl"));
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync(new Uri("/api/v1/backups", UriKind.Relative))).StatusCode);

        using var revoke = await _admin.DeleteAsync(new Uri("/api/v1/tokens/security-suite?owner=carl", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync(new Uri("/api/v1/backups", UriKind.Relative))).StatusCode);
        var list = await _admin.GetFromJsonAsync<JsonElement>("/api/v1/tokens");
        var carls = list.EnumerateArray().Single(t => t.GetProperty("owner").GetString() == "carl");
        Assert.True(carls.GetProperty("revoked").GetBoolean());
        Assert.False(carls.TryGetProperty("tokenHash", out _));
        // The admin's own token of the same name is untouched.
        Assert.Equal(HttpStatusCode.OK, (await _admin.GetAsync(new Uri("/api/v1/tokens", UriKind.Relative))).StatusCode);
    }

    protected async Task CreateAsync(string username, string role)
    {
        using var response = await _admin.PostAsJsonAsync("/api/v1/users", new { username, password = $"password-of-{username}", role });
        response.EnsureSuccessStatusCode();
    }
}
