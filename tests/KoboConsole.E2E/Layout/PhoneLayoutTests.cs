using KoboConsole.Testing;
using Microsoft.Playwright;

namespace KoboConsole.E2E.Layout;

/// <summary>
/// Every page of the menu on a phone (390×844) and a laptop (1440×900), against a kobo-shaped
/// test-bed stack so tables, the graph and the log viewer hold real rows.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class PhoneLayoutTests(BrowserFixture browser) : IAsyncLifetime
{
    public static readonly string[] MenuPages =
        ["/", "/topology", "/maintenance", "/backups", "/logs", "/jobs", "/api-reference", "/restores", "/upgrades", "/audit", "/admin/users", "/admin/tokens", "/settings"];

    private TestBedKobo _stack = null!;
    private ConsoleAppFactory _app = null!;
    private Uri _base = null!;
    private readonly List<IBrowserContext> _contexts = [];

    public async Task InitializeAsync()
    {
        _stack = await TestBedKobo.UpAsync("p");
        _app = new ConsoleAppFactory(new Dictionary<string, string?> { ["KoboConsole:Stack:Prefix"] = _stack.Prefix }, realPort: true);
        _base = _app.StartRealServer();
    }

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }

        await _app.DisposeAsync();
        await _stack.DisposeAsync();
    }

    [Fact]
    public async Task EveryMenuPage_OnAPhone_DoesNotScrollSideways()
    {
        var page = await SignedInAsync(390, 844, "/");
        var overflowing = new List<string>();

        foreach (var path in MenuPages)
        {
            await OpenAsync(page, path);
            var (scrollWidth, innerWidth) = await WidthsAsync(page);
            if (scrollWidth > innerWidth)
            {
                overflowing.Add($"{path}: {scrollWidth}px wide in a {innerWidth}px window");
            }

            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, $"phone{Slug(path)}.png"), FullPage = true });
        }

        Assert.Empty(overflowing);
        // The account menu (sign out) is on screen.
        await Assertions.Expect(page.GetByTestId("account-chip")).ToBeInViewportAsync();
    }

    [Fact]
    public async Task EveryMenuPage_OnALaptop_DoesNotScrollSideways()
    {
        var page = await SignedInAsync(1440, 900, "/");
        var overflowing = new List<string>();

        foreach (var path in MenuPages)
        {
            await OpenAsync(page, path);
            var (scrollWidth, innerWidth) = await WidthsAsync(page);
            if (scrollWidth > innerWidth)
            {
                overflowing.Add($"{path}: {scrollWidth}px wide in a {innerWidth}px window");
            }

            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, $"laptop{Slug(path)}.png") });
        }

        Assert.Empty(overflowing);
    }

    [Fact]
    public async Task LogsPage_OnAPhone_ShowsWholeReadableLines()
    {
        var page = await SignedInAsync(390, 844, $"/logs?container={_stack.Values["container.nginx"]}&container={_stack.Values["container.worker"]}&container={_stack.Values["container.kpi"]}");

        await page.GetByTestId("show-logs").ClickAsync();

        var view = page.GetByTestId("log-view");
        await view.ScrollIntoViewIfNeededAsync();
        // Rows inside the viewer's visible box, each with its time, source and a message wide enough to read.
        try
        {
            await page.WaitForFunctionAsync(ReadableRowsScript, null, new() { Timeout = 30_000 });
        }
        finally
        {
            await page.ScreenshotAsync(new() { Path = BrowserFixture.DocsScreenshot("phone-logs.png") });
        }

        // Nothing paused the view on its own.
        await Assertions.Expect(page.GetByTestId("pause")).ToBeVisibleAsync();

        // A server-side filter applies as typed: no second "Show logs".
        await page.GetByLabel("Filter").FillAsync("succeeded in");
        await page.WaitForFunctionAsync(OnlyFilteredRowsScript, null, new() { Timeout = 30_000 });
    }

    [Fact]
    public async Task TopologyNode_ClickedOnALaptop_DetailsOpenInViewAndEscapeClosesThem()
    {
        var page = await SignedInAsync(1440, 900, "/topology");
        var kpi = page.GetByTestId("node-kpi");
        await Assertions.Expect(kpi).ToHaveAttributeAsync("data-state", "running", new() { Timeout = 30_000 });

        await kpi.ClickAsync();

        var panel = page.GetByTestId("detail-panel");
        await Assertions.Expect(page.GetByTestId("container-detail")).ToContainTextAsync(_stack.Values["container.kpi"]);
        await Assertions.Expect(panel).ToBeInViewportAsync(new() { Ratio = 1 });
        await page.ScreenshotAsync(new() { Path = BrowserFixture.DocsScreenshot("topology-detail.png") });
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(panel).ToHaveCountAsync(0);
    }

    private const string OnlyFilteredRowsScript = """
        () => {
            const rows = [...document.querySelectorAll('[data-testid=log-row] .log-text')];
            return rows.length > 0 && rows.every(r => r.textContent.includes('succeeded in'));
        }
        """;

    // Four whole rows (a wrapped kpi line takes five screen lines at 390 px) whose box lies inside the viewer's visible area, with a time, a source chip and a message at least 200 px wide.
    // A function, not an expression: the console's CSP forbids the eval Playwright uses for expressions.
    private const string ReadableRowsScript = """
        () => {
            const view = document.querySelector('[data-testid=log-view]').getBoundingClientRect();
            return [...document.querySelectorAll('[data-testid=log-row]')].filter(r => {
                const b = r.getBoundingClientRect();
                const text = r.querySelector('.log-text').getBoundingClientRect();
                return b.top >= view.top - 1 && b.bottom <= view.bottom + 1 && b.height > 0 && b.top >= 0 && b.bottom <= window.innerHeight
                    && r.querySelector('.log-time').textContent.length >= 8 && r.querySelector('.log-chip').getBoundingClientRect().width > 0
                    && text.width >= 200 && r.querySelector('.log-text').textContent.trim().length > 0;
            }).length >= 4;
        }
        """;

    private async Task<IPage> SignedInAsync(int width, int height, string path)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _base.ToString(), ViewportSize = new() { Width = width, Height = height } });
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        await BrowserFixture.SignInAsync(page, path);
        return page;
    }

    private static async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.Locator("[data-testid=circuit-interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });
        // Pages load their data once interactive: measure once the network and the render settled.
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.WaitForFunctionAsync("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))");
    }

    private static async Task<(int ScrollWidth, int InnerWidth)> WidthsAsync(IPage page)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.scrollingElement.scrollWidth, window.innerWidth]");
        return (widths[0], widths[1]);
    }

    private static string Slug(string path) => path == "/" ? "-overview" : path.Replace('/', '-');
}
