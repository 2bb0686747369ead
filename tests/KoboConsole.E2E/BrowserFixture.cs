using KoboConsole.Testing;
using Microsoft.Playwright;

namespace KoboConsole.E2E;

/// <summary>
/// Debian's Chromium driven by Playwright's own driver (which works offline). Flags keep
/// Chromium from dialling out on this closed network; Playwright gives each launch a fresh
/// profile directory itself.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Screenshots of a run, next to the test binaries (those the README shows go through <see cref="DocsScreenshot"/>).</summary>
    public static string ScreenshotDirectory
    {
        get
        {
            var dir = Path.Combine(AppContext.BaseDirectory, "screenshots");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    /// <summary>
    /// Opens <paramref name="path"/>, signs in as the bootstrap admin on the login page it redirects
    /// to, and waits until the page is back on <paramref name="path"/> with an interactive circuit
    /// (prerendered HTML ignores clicks).
    /// </summary>
    public static async Task SignInAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.GetByLabel("Username").FillAsync(ConsoleAppFactory.AdminUser);
        await page.GetByLabel("Password").FillAsync(ConsoleAppFactory.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith(path, StringComparison.Ordinal));
        await page.Locator("[data-testid=circuit-interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });
    }

    /// <summary>
    /// A screenshot the docs link. A test run writes it with the run's other screenshots, so the
    /// suite never changes tracked files; <c>tests/refresh-screenshots.sh</c> sets
    /// <c>KC_REFRESH_SCREENSHOTS=1</c> to write it into docs/screenshots on purpose.
    /// </summary>
    public static string DocsScreenshot(string name)
    {
        var docs = Path.Combine(KoboConsole.Testing.TestRepo.Root, "docs", "screenshots");
        var refresh = Environment.GetEnvironmentVariable("KC_REFRESH_SCREENSHOTS") == "1";
        return refresh && Directory.Exists(docs) ? Path.Combine(docs, name) : Path.Combine(ScreenshotDirectory, name);
    }

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium package (the test command does).");
        }

        // Two cores run the app, the test bed and Chromium at once: give assertions room (they
        // return as soon as the condition holds, so a fast machine loses nothing).
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>
/// For browser tests that must not overlap one another (none today): every class takes
/// <see cref="BrowserFixture"/> as a class fixture, a Chromium of its own, and runs in parallel
/// with the others (docs/testing.md).
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrowserTests : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
