using KoboConsole.Testing;
using Microsoft.Playwright;

namespace KoboConsole.E2E.Shell;

public sealed class LoginAndShellTests(BrowserFixture browser) : IAsyncLifetime, IClassFixture<BrowserFixture>
{
    private readonly ConsoleAppFactory _app = new(realPort: true);
    private IBrowserContext _context = null!;
    private IPage _page = null!;
    private Uri _base = null!;
    private readonly List<string> _cspViolations = [];

    public async Task InitializeAsync()
    {
        _base = _app.StartRealServer();
        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _base.ToString(), ViewportSize = new() { Width = 1280, Height = 800 } });
        _page = await _context.NewPageAsync();
        _page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                _cspViolations.Add(message.Text);
            }
        };
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Login_ThroughTheRealPage_ShowsTheShell()
    {
        await _page.GotoAsync("/backups");
        Assert.Contains("/login", _page.Url, StringComparison.Ordinal);
        await _page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "login.png") });

        await SignInAsync(ConsoleAppFactory.AdminUser, ConsoleAppFactory.AdminPassword);

        await _page.WaitForURLAsync(url => url.EndsWith("/backups", StringComparison.Ordinal));
        await WaitForInteractiveAsync();
        var nav = _page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" });
        foreach (var item in new[] { "Overview", "Topology", "Maintenance", "Backups", "Logs", "Jobs", "Audit", "Settings" })
        {
            await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = item })).ToBeVisibleAsync();
        }

        await Assertions.Expect(_page.GetByTestId("account-chip")).ToContainTextAsync("admin");
        await _page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "shell.png") });
        Assert.Empty(_cspViolations);
    }

    [Fact]
    public async Task Login_WrongPassword_ShowsAnError()
    {
        await _page.GotoAsync("/login");

        await SignInAsync(ConsoleAppFactory.AdminUser, "definitely-wrong");

        await Assertions.Expect(_page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Wrong username or password");
        Assert.Contains("/login", _page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThemeToggle_Click_SwitchesToDarkAndBack()
    {
        await _page.GotoAsync("/login");
        await SignInAsync(ConsoleAppFactory.AdminUser, ConsoleAppFactory.AdminPassword);
        await WaitForInteractiveAsync();
        var before = await BackgroundAsync();

        await _page.GetByRole(AriaRole.Button, new() { Name = "Toggle dark theme" }).ClickAsync();
        await _page.WaitForFunctionAsync("b => getComputedStyle(document.body).backgroundColor !== b", before);
        var dark = await BackgroundAsync();
        await _page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "shell-dark.png") });
        await _page.GetByRole(AriaRole.Button, new() { Name = "Toggle dark theme" }).ClickAsync();
        await _page.WaitForFunctionAsync("b => getComputedStyle(document.body).backgroundColor !== b", dark);

        Assert.NotEqual(before, dark);
        Assert.Equal(before, await BackgroundAsync());
    }

    [Fact]
    public async Task SignOut_FromAccountMenu_ReturnsToLogin()
    {
        await _page.GotoAsync("/login");
        await SignInAsync(ConsoleAppFactory.AdminUser, ConsoleAppFactory.AdminPassword);
        await WaitForInteractiveAsync();

        await _page.GetByTestId("account-chip").ClickAsync();
        await _page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await _page.WaitForURLAsync(url => url.Contains("/login", StringComparison.Ordinal));
        await _page.GotoAsync("/");
        Assert.Contains("/login", _page.Url, StringComparison.Ordinal);
    }

    private async Task SignInAsync(string username, string password)
    {
        await _page.GetByLabel("Username").FillAsync(username);
        await _page.GetByLabel("Password").FillAsync(password);
        await _page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>Prerendered HTML ignores clicks: wait for the marker the layout renders once the circuit is live.</summary>
    private Task WaitForInteractiveAsync() =>
        _page.Locator("[data-testid=circuit-interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });

    private Task<string> BackgroundAsync() => _page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
}
