using KoboConsole.Testing;
using Microsoft.Playwright;

namespace KoboConsole.E2E.Maintenance;

/// <summary>The maintenance page driven like an admin would, against a real test-bed stack and its real nginx.</summary>
public sealed class MaintenancePageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Toggle_FromThePage_PublicSeesMaintenanceThenTheSite()
    {
        await using var stack = await TestBedKobo.UpAsync("p");
        await using var app = new ConsoleAppFactory(new Dictionary<string, string?> { ["KoboConsole:Stack:Prefix"] = stack.Prefix }, realPort: true);
        var baseUri = app.StartRealServer();
        await using var context = await browser.Browser.NewContextAsync(new() { BaseURL = baseUri.ToString(), ViewportSize = new() { Width = 1400, Height = 950 } });
        var page = await context.NewPageAsync();

        await page.GotoAsync("/login");
        await page.GetByLabel("Username").FillAsync(ConsoleAppFactory.AdminUser);
        await page.GetByLabel("Password").FillAsync(ConsoleAppFactory.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
        await page.GotoAsync("/maintenance");
        await page.Locator("[data-testid=circuit-interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("maintenance-state")).ToHaveTextAsync("off");
        await Assertions.Expect(page.GetByTestId("maintenance-chip")).ToContainTextAsync("maintenance: off");

        await page.GetByLabel("ETA", new() { Exact = true }).FillAsync("45 minutes");
        await page.GetByLabel("Contact e-mail").FillAsync("ops@example.org");
        var preview = page.FrameLocator("[data-testid=maintenance-preview]");
        await Assertions.Expect(preview.GetByText("45 minutes")).ToBeVisibleAsync();
        await Assertions.Expect(preview.GetByText("ops@example.org")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = BrowserFixture.DocsScreenshot("maintenance-form.png") });

        await page.GetByRole(AriaRole.Button, new() { Name = "Turn maintenance on…" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("HTTP 503");
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("maintenance-state")).ToHaveTextAsync("on", new() { Timeout = 60_000 });

        var visitor = await context.NewPageAsync();
        var during = await visitor.GotoAsync($"http://127.0.0.1:{stack.NginxPort}/");
        Assert.Equal(503, during!.Status);
        await Assertions.Expect(visitor.GetByText("45 minutes")).ToBeVisibleAsync();
        await visitor.ScreenshotAsync(new() { Path = BrowserFixture.DocsScreenshot("maintenance-public.png") });

        await page.GetByRole(AriaRole.Button, new() { Name = "Turn maintenance off…" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn off" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("maintenance-state")).ToHaveTextAsync("off", new() { Timeout = 60_000 });

        var after = await visitor.GotoAsync($"http://127.0.0.1:{await stack.CurrentNginxPortAsync()}/");
        Assert.Equal(200, after!.Status);
        await Assertions.Expect(visitor.GetByText("kpi stand-in")).ToBeVisibleAsync();
    }
}
