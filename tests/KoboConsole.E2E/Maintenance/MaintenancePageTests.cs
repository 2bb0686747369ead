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
        // Off screen, Chromium does not lay out the sandboxed (cross-origin) preview frame and its
        // text counts as hidden: look at it as a reader would, scrolled into view.
        await page.GetByTestId("maintenance-preview").ScrollIntoViewIfNeededAsync();
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

        // A scheduled window is cancelled only after a confirmation naming what will not happen.
        var windows = page.GetByTestId("maintenance-windows");
        await windows.GetByLabel("Start (UTC)").FillAsync("2030-01-05 02:00");
        await windows.GetByLabel("End (UTC)").FillAsync("2030-01-05 03:00");
        await windows.GetByRole(AriaRole.Button, new() { Name = "Schedule", Exact = true }).ClickAsync();
        await Assertions.Expect(windows.GetByTestId("window-row")).ToHaveCountAsync(1);
        await windows.GetByRole(AriaRole.Button, new() { Name = "Cancel window" }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(confirm).ToContainTextAsync("Maintenance will not turn on at 2030-01-05 02:00 UTC nor off at 2030-01-05 03:00 UTC.");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Keep it" }).ClickAsync();
        await Assertions.Expect(windows.GetByTestId("window-row")).ToHaveCountAsync(1);
        await windows.GetByRole(AriaRole.Button, new() { Name = "Cancel window" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Cancel the window" }).ClickAsync();
        await Assertions.Expect(windows.GetByTestId("window-row")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByText("The window is cancelled: maintenance will not turn on for it.")).ToBeVisibleAsync();
    }
}
