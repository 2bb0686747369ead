using System.Net;
using System.Net.Http.Headers;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Auth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace KoboConsole.E2E.Admin;

/// <summary>The Users and API tokens pages in Chromium: what an admin does takes effect on the other user's very next request.</summary>
public sealed class AdminPagesTests(BrowserFixture browser) : IAsyncLifetime, IClassFixture<BrowserFixture>
{
    private readonly ConsoleAppFactory _app = new(new Dictionary<string, string?>
    {
        ["KoboConsole:Docker:Hosts:0:Name"] = "nowhere",
        ["KoboConsole:Docker:Hosts:0:Endpoint"] = "unix:///run/koboconsole-e2e-no-such.sock",
    }, realPort: true);

    private readonly List<IBrowserContext> _contexts = [];
    private readonly List<string> _cspViolations = [];
    private Uri _base = null!;

    public Task InitializeAsync()
    {
        _base = _app.StartRealServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }

        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Users_AdminCreatesOperatorThenDisablesThem_TheirNextRequestIsRefused()
    {
        var admin = await SignedInPageAsync(ConsoleAppFactory.AdminUser, ConsoleAppFactory.AdminPassword, "/admin/users");
        await admin.GetByTestId("new-username").FillAsync("olga");
        await admin.GetByTestId("new-password").FillAsync("password-of-olga");
        await admin.Locator(".mud-select").Filter(new() { HasText = "Role" }).First.ClickAsync();
        // Pick from the open list only (the popover animates in; an earlier click would land nowhere).
        await admin.Locator(".mud-popover-open").GetByText("operator", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(admin.Locator(".mud-popover-open")).ToHaveCountAsync(0);
        await admin.GetByTestId("user-create-button").ClickAsync();
        await Assertions.Expect(admin.GetByText("User olga created as operator.")).ToBeVisibleAsync();
        await Assertions.Expect(admin.GetByTestId("status-olga")).ToContainTextAsync("enabled");
        var users = _app.Services.GetRequiredService<UserService>();
        Assert.Equal("operator", (await users.ListAsync(CancellationToken.None)).Single(u => u.Username == "olga").Role);
        await admin.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "admin-users.png"), FullPage = true });

        var olga = await SignedInPageAsync("olga", "password-of-olga", "/maintenance");
        await Assertions.Expect(olga.GetByRole(AriaRole.Heading, new() { Name = "Maintenance", Exact = true })).ToBeVisibleAsync();

        await admin.GetByTestId("toggle-olga").ClickAsync();
        var confirm = admin.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(confirm).ToContainTextAsync("olga is signed out everywhere at once");
        await Assertions.Expect(admin.GetByTestId("status-olga")).ToContainTextAsync("enabled");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await Assertions.Expect(admin.GetByTestId("status-olga")).ToContainTextAsync("disabled");
        await Assertions.Expect(admin.GetByText("olga is disabled: their sessions and API tokens stop working now.")).ToBeVisibleAsync();

        await olga.GotoAsync("/topology");
        Assert.Contains("/login", olga.Url, StringComparison.Ordinal);
        Assert.Empty(_cspViolations);
    }

    [Fact]
    public async Task Tokens_AdminCreatesThenRevokes_TheTokensNextCallIs401()
    {
        var admin = await SignedInPageAsync(ConsoleAppFactory.AdminUser, ConsoleAppFactory.AdminPassword, "/admin/tokens");
        await admin.GetByTestId("token-name").FillAsync("upgrade pipeline");
        await admin.GetByTestId("token-create-button").ClickAsync();
        var token = (await admin.GetByTestId("token-value").InnerTextAsync()).Trim();
        Assert.StartsWith("kc_", token, StringComparison.Ordinal);
        // Shown whole (it wraps), never cut off by a field narrower than the token.
        Assert.True(await admin.GetByTestId("token-value").EvaluateAsync<bool>("e => e.scrollWidth <= e.clientWidth"), "the token is cut off");
        await admin.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Copy token" }).ClickAsync();
        await Assertions.Expect(admin.GetByText("Token copied to the clipboard.")).ToBeVisibleAsync();
        Assert.Equal(token, await admin.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        using var api = new HttpClient { BaseAddress = _base };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(new Uri("/api/v1/users", UriKind.Relative))).StatusCode);
        await admin.GotoAsync("/admin/tokens");
        await WaitForInteractiveAsync(admin);
        await Assertions.Expect(admin.GetByTestId("token-row-name")).ToHaveTextAsync("upgrade pipeline");
        await admin.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "admin-tokens.png"), FullPage = true });

        await admin.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        var confirm = admin.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(confirm).ToContainTextAsync("Scripts using 'upgrade pipeline' of admin get 401");
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(new Uri("/api/v1/users", UriKind.Relative))).StatusCode);
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Assertions.Expect(admin.GetByText("Token 'upgrade pipeline' of admin revoked.")).ToBeVisibleAsync();
        await Assertions.Expect(admin.GetByTestId("tokens-table").GetByRole(AriaRole.Button, new() { Name = "Revoke" })).ToHaveCountAsync(0);

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync(new Uri("/api/v1/users", UriKind.Relative))).StatusCode);
        Assert.Empty(_cspViolations);
    }

    [Fact]
    public async Task Users_PasswordTooShort_TheErrorIsOnThePasswordField()
    {
        var admin = await SignedInPageAsync(ConsoleAppFactory.AdminUser, ConsoleAppFactory.AdminPassword, "/admin/users");
        await admin.GetByTestId("new-username").FillAsync("pavel");
        await admin.GetByTestId("new-password").FillAsync("short");

        await admin.GetByTestId("user-create-button").ClickAsync();

        var field = admin.GetByTestId("user-create").Locator(".mud-input-control").Filter(new() { Has = admin.GetByTestId("new-password") });
        await Assertions.Expect(field).ToContainTextAsync("Must be at least 10 characters long.");
        await Assertions.Expect(field.Locator(".mud-input-error")).Not.ToHaveCountAsync(0);
        await Assertions.Expect(admin.GetByText("The user is invalid: see the highlighted field.")).ToBeVisibleAsync();

        await admin.GetByTestId("new-password").FillAsync("long-enough-password");
        await admin.GetByTestId("user-create-button").ClickAsync();
        await Assertions.Expect(admin.GetByText("User pavel created as viewer.")).ToBeVisibleAsync();
        await Assertions.Expect(field).Not.ToContainTextAsync("Must be at least");
        // The success cleared the stale error toast.
        await Assertions.Expect(admin.GetByText("The user is invalid: see the highlighted field.")).ToHaveCountAsync(0);
    }

    private async Task<IPage> SignedInPageAsync(string username, string password, string path)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _base.ToString(), ViewportSize = new() { Width = 1280, Height = 800 } });
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                _cspViolations.Add(message.Text);
            }
        };
        await page.GotoAsync(path);
        await page.GetByLabel("Username").FillAsync(username);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith(path, StringComparison.Ordinal));
        await WaitForInteractiveAsync(page);
        return page;
    }

    /// <summary>Prerendered HTML ignores clicks: wait for the marker the layout renders once the circuit is live.</summary>
    private static Task WaitForInteractiveAsync(IPage page) =>
        page.Locator("[data-testid=circuit-interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });
}
