using System.Net;
using KoboConsole.Testing;

namespace KoboConsole.IntegrationTests.Auth;

public sealed class LoginTests : IAsyncLifetime
{
    private readonly ConsoleAppFactory _app = new(new Dictionary<string, string?> { ["KoboConsole:Auth:LockoutThreshold"] = "3" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Login_RightPassword_SetsHttpOnlyCookieAndOpensShell()
    {
        using var client = _app.CreateBrowserLikeClient();
        using var response = await ConsoleAppFactory.PostLoginAsync(client, ConsoleAppFactory.AdminUser, ConsoleAppFactory.AdminPassword);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(new Uri("http://localhost/"), response.Headers.Location);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("KoboConsole.Auth=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        using var home = await client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("Overview", await home.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_WrongPassword_ShowsErrorAndNoCookie()
    {
        using var client = _app.CreateBrowserLikeClient();
        using var response = await ConsoleAppFactory.PostLoginAsync(client, ConsoleAppFactory.AdminUser, "not-the-password");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Wrong username or password", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var c) ? c : [], v => v.StartsWith("KoboConsole.Auth=", StringComparison.Ordinal));
        using var home = await client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
    }

    [Fact]
    public async Task Login_RepeatedFailures_LocksEvenTheRightPassword()
    {
        using var client = _app.CreateBrowserLikeClient();
        for (var i = 0; i < 3; i++)
        {
            using var failed = await ConsoleAppFactory.PostLoginAsync(client, ConsoleAppFactory.AdminUser, "wrong-" + i);
        }

        using var response = await ConsoleAppFactory.PostLoginAsync(client, ConsoleAppFactory.AdminUser, ConsoleAppFactory.AdminPassword);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("locked until", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_WithoutAntiforgeryToken_IsRejected()
    {
        using var client = _app.CreateBrowserLikeClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["Input.Username"] = ConsoleAppFactory.AdminUser,
            ["Input.Password"] = ConsoleAppFactory.AdminPassword,
        });

        using var response = await client.PostAsync(new Uri("/login", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Logout_PostWithToken_EndsTheSession()
    {
        using var client = _app.CreateBrowserLikeClient();
        using (await ConsoleAppFactory.PostLoginAsync(client, ConsoleAppFactory.AdminUser, ConsoleAppFactory.AdminPassword))
        {
        }

        var token = await ConsoleAppFactory.GetAntiforgeryTokenAsync(client, "/login");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token });
        using var logout = await client.SendAsync(FromOwnPage("/logout", form));

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        using var home = await client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.StartsWith("/login", home.Headers.Location?.PathAndQuery ?? home.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_WithoutToken_IsRefused()
    {
        using var client = _app.CreateBrowserLikeClient();
        using (await ConsoleAppFactory.PostLoginAsync(client, ConsoleAppFactory.AdminUser, ConsoleAppFactory.AdminPassword))
        {
        }

        using var logout = await client.SendAsync(FromOwnPage("/logout", new FormUrlEncodedContent([])));

        Assert.Equal(HttpStatusCode.BadRequest, logout.StatusCode);
        using var home = await client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
    }

    [Fact]
    public async Task Login_ReturnUrl_OffSite_IsIgnored()
    {
        using var client = _app.CreateBrowserLikeClient();
        var token = await ConsoleAppFactory.GetAntiforgeryTokenAsync(client, "/login");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.Username"] = ConsoleAppFactory.AdminUser,
            ["Input.Password"] = ConsoleAppFactory.AdminPassword,
        });

        using var response = await client.PostAsync(new Uri("/login?returnUrl=//evil.example/", UriKind.Relative), form);

        Assert.Equal(new Uri("http://localhost/"), response.Headers.Location);
    }

    /// <summary>A form post as the console's own page sends it: the browser adds the page's Origin.</summary>
    private static HttpRequestMessage FromOwnPage(string path, HttpContent form)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = form };
        request.Headers.Add("Origin", "http://localhost");
        return request;
    }
}
