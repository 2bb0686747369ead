using KoboConsole.Testing;
using KoboConsole.Web.Features.Auth;
using Microsoft.Playwright;

namespace KoboConsole.E2E.Faults;

/// <summary>
/// The console's own PostgreSQL (PostgreSQL storage mode) stopped and started under an open page
/// in Chromium: the banner says so, the circuit lives on, a page that needs the database shows
/// the inline message, and everything comes back in the same circuit once the database does.
/// </summary>
public sealed class ConsoleDatabaseOutagePageTests(BrowserFixture browser, ConsolePostgresFixture pg) : IClassFixture<ConsolePostgresFixture>, IClassFixture<BrowserFixture>
{
    private const string Banner = "The console's database is unreachable; retrying";

    [Fact]
    public async Task ConsoleDatabase_StoppedThenStarted_BannerAndInlineMessageThenTheSameCircuitRecovers()
    {
        await using var app = new ConsoleAppFactory(new Dictionary<string, string?>
        {
            ["KoboConsole:Storage:Provider"] = "PostgreSql",
            ["KoboConsole:Storage:ConnectionString"] = pg.ConnectionString,
            // No Docker host to ask: the pages' own database reads are what this test is about.
            ["KoboConsole:Docker:Hosts:0:Name"] = "nowhere",
            ["KoboConsole:Docker:Hosts:0:Endpoint"] = "unix:///run/koboconsole-e2e-no-such.sock",
        }, realPort: true);
        var baseUri = app.StartRealServer();
        await using var context = await browser.Browser.NewContextAsync(new() { BaseURL = baseUri.ToString(), ViewportSize = new() { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "/audit");
        var auditTable = page.GetByTestId("audit-table");
        await Assertions.Expect(auditTable).ToContainTextAsync("bootstrap admin (role admin)");
        // Lives as long as this document: a reload or a new page load would lose it.
        await page.EvaluateAsync("() => window.kcOutageMarker = 'set before the outage'");

        IPage? opened = null;
        await pg.StopAsync();
        try
        {
            var banner = page.GetByTestId("database-banner");
            await Assertions.Expect(banner).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(banner).ToContainTextAsync(Banner);
            // What the page loaded before stays on screen.
            await Assertions.Expect(auditTable).ToContainTextAsync("bootstrap admin (role admin)");

            // Another page that reads the database, in the same circuit (the nav link, no page load).
            await page.GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();
            await page.WaitForURLAsync(url => url.EndsWith("/admin/users", StringComparison.Ordinal));
            var inline = page.GetByTestId("page-database-unavailable");
            await Assertions.Expect(inline).ToContainTextAsync("This page loads again by itself when it is back.");
            // The outage lasts past the circuit's next session check (which reads the user from
            // the database): the page must keep its sign-in through it.
            await Task.Delay(SessionRevalidation.Interval + TimeSpan.FromSeconds(2));
            await Assertions.Expect(inline).ToBeVisibleAsync();
            Assert.EndsWith("/admin/users", page.Url, StringComparison.Ordinal);
            await AssertCircuitAliveAsync(page);
            await page.ScreenshotAsync(new() { Path = BrowserFixture.DocsScreenshot("console-database-outage.png") });

            // A page opened now (a reload, a new tab) cannot pass the cookie check, which reads the
            // database: it gets the message as a page of its own that tries again by itself.
            opened = await context.NewPageAsync();
            var response = await opened.GotoAsync("/backups");
            Assert.Equal(503, response!.Status);
            await Assertions.Expect(opened.GetByTestId("database-unavailable-page")).ToContainTextAsync("opens by itself once the database answers");
            await opened.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "console-database-outage-new-page.png") });
        }
        finally
        {
            await pg.StartAsync();
        }

        await Assertions.Expect(page.GetByTestId("database-banner")).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("page-database-unavailable")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("users-table")).ToContainTextAsync(ConsoleAppFactory.AdminUser);
        Assert.EndsWith("/admin/users", page.Url, StringComparison.Ordinal);
        Assert.Equal("set before the outage", await page.EvaluateAsync<string?>("() => window.kcOutageMarker"));
        await AssertCircuitAliveAsync(page);

        // The page opened during the outage came in by itself (its own refresh), as a live page.
        await Assertions.Expect(opened!.GetByRole(AriaRole.Heading, new() { Name = "Backups", Exact = true })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await opened.Locator("[data-testid=circuit-interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });
        Assert.EndsWith("/backups", opened.Url, StringComparison.Ordinal);
    }

    // blazor.web.js shows #blazor-error-ui when the circuit dies of an unhandled error and its
    // dialog when the connection drops: neither may appear.
    private static async Task AssertCircuitAliveAsync(IPage page)
    {
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#components-reconnect-modal")).Not.ToBeVisibleAsync();
    }
}
