using KoboConsole.Testing;
using KoboConsole.Web.Features.Auth;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Backups.Schedules;
using KoboConsole.Web.Features.Maintenance;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace KoboConsole.E2E.Layout;

/// <summary>
/// Every page of the menu on a phone (390×844) and a laptop (1440×900), against one kobo-shaped
/// test-bed stack shared by the class (no test changes it), so tables, the graph and the log
/// viewer hold real rows, and a user, a token, a backup schedule and a maintenance window give
/// each destructive button a row.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class PhoneLayoutTests(BrowserFixture browser, PhoneLayoutBed bed) : IClassFixture<PhoneLayoutBed>, IAsyncLifetime
{
    public static readonly string[] MenuPages =
        ["/", "/topology", "/maintenance", "/backups", "/logs", "/jobs", "/api-reference", "/restores", "/upgrades", "/audit", "/admin/users", "/admin/tokens", "/settings"];

    // The phone layouts docs/screenshots keeps (tests/refresh-screenshots.sh).
    private static readonly string[] DocsPhonePages = ["/", "/topology", "/maintenance", "/backups", "/restores", "/admin/users"];

    private readonly List<IBrowserContext> _contexts = [];
    private TestBedKobo _stack = null!;

    public Task InitializeAsync()
    {
        _stack = bed.Stack;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }
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

            var shot = $"phone{Slug(path)}.png";
            await page.ScreenshotAsync(new() { Path = DocsPhonePages.Contains(path) ? BrowserFixture.DocsScreenshot(shot) : Path.Combine(BrowserFixture.ScreenshotDirectory, shot), FullPage = true });
        }

        // The overview's host table shows each host's state without scrolling sideways.
        await OpenAsync(page, "/");
        await Assertions.Expect(page.GetByTestId("host-state").First).ToBeInViewportAsync(new() { Ratio = 1 });
        // The maintenance page's preview is on a phone too: the frame shown, holding the page. Its
        // text's own visibility is not asserted here: inside the sandboxed (cross-origin) frame at
        // this width Chromium sometimes reports it hidden although the frame is on screen (seen in
        // about 1 run in 3; MaintenancePageTests reads the preview's text at laptop width).
        await OpenAsync(page, "/maintenance");
        var previewFrame = page.GetByTestId("maintenance-preview");
        await previewFrame.ScrollIntoViewIfNeededAsync();
        await Assertions.Expect(previewFrame).ToBeVisibleAsync();
        await Assertions.Expect(page.FrameLocator("[data-testid=maintenance-preview]").GetByText("We'll be back soon!")).ToBeAttachedAsync();
        overflowing.AddRange(await TopologyTableOverflowAsync(page, "phone"));
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

        overflowing.AddRange(await TopologyTableOverflowAsync(page, "laptop"));
        Assert.Empty(overflowing);
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1440, 900)]
    public async Task LogsPage_FollowingAStack_ShowsTenReadableLines(int width, int height)
    {
        var page = await SignedInAsync(width, height, $"/logs?container={_stack.Values["container.nginx"]}&container={_stack.Values["container.worker"]}&container={_stack.Values["container.kpi"]}");

        await page.GetByTestId("show-logs").ClickAsync();

        var view = page.GetByTestId("log-view");
        if (width < 600)
        {
            // On a phone the controls fill the first screen; on a laptop the lines must be there without scrolling.
            await view.ScrollIntoViewIfNeededAsync();
        }

        // Rows inside the viewer's visible box, each with its time, source and a message wide enough to read.
        try
        {
            await page.WaitForFunctionAsync(ReadableRowsScript, null, new() { Timeout = 30_000 });
        }
        finally
        {
            await page.ScreenshotAsync(new() { Path = width < 600 ? BrowserFixture.DocsScreenshot("phone-logs.png") : Path.Combine(BrowserFixture.ScreenshotDirectory, "laptop-logs-following.png") });
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

    [Fact]
    public async Task TopologyGraph_OnAPhone_ScrollsInsideItselfAndANodesDetailsOpenOnScreen()
    {
        var page = await SignedInAsync(390, 844, "/topology");
        var postgres = page.GetByTestId("node-postgres");
        await Assertions.Expect(postgres).ToHaveAttributeAsync("data-state", "running", new() { Timeout = 30_000 });

        // The graph is wider than the phone: its own box scrolls sideways (a user can swipe it), inside the screen.
        var box = await page.GetByTestId("topology-graph-box").EvaluateAsync<double[]>(
            "e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e); return [r.left, r.right, e.scrollWidth, e.clientWidth, s.overflowX === 'auto' || s.overflowX === 'scroll' ? 1 : 0]; }");
        Assert.True(box[0] >= 0 && box[1] <= 390, $"the graph's box spans {box[0]}..{box[1]} px in a 390 px window");
        Assert.True(box[2] > box[3] && box[4] == 1, $"the graph does not scroll inside its box (scrollWidth {box[2]}, clientWidth {box[3]}, scrollable {box[4]})");

        // A back-end node, beyond the first screen width: scrolled to and clicked, its details open on screen.
        await postgres.ClickAsync();
        var panel = page.GetByTestId("detail-panel");
        await Assertions.Expect(page.GetByTestId("container-detail")).ToContainTextAsync(_stack.Values["container.postgres"]);
        await Assertions.Expect(panel).ToBeInViewportAsync(new() { Ratio = 1 });
        Assert.True(await panel.EvaluateAsync<bool>("e => e.getBoundingClientRect().width <= window.innerWidth"), "the details panel is wider than the phone");
        await page.ScreenshotAsync(new() { Path = BrowserFixture.DocsScreenshot("phone-topology-detail.png") });
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(panel).ToHaveCountAsync(0);
    }

    // Each destructive action of issue 20 asks first on a phone too: the dialog fits the screen, names what follows, and "no" leaves the row.
    [Theory]
    [InlineData("/admin/tokens", "[data-testid^=revoke-]", "Scripts using 'phone check' of admin get 401", "Cancel")]
    [InlineData("/admin/users", "[data-testid=toggle-olga]", "olga is signed out everywhere at once", "Cancel")]
    [InlineData("/backups", "[data-testid=schedule-delete]", "No more backups of postgres to disk", "Cancel")]
    [InlineData("/maintenance", "[data-testid=window-cancel]", "Maintenance will not turn on at 2030-01-05 02:00 UTC", "Keep it")]
    public async Task DestructiveAction_OnAPhone_AsksFirstInsideTheScreen(string path, string button, string says, string no)
    {
        var page = await SignedInAsync(390, 844, path);
        var action = page.Locator(button);

        await action.ClickAsync();

        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToContainTextAsync(says);
        await Assertions.Expect(dialog).ToBeInViewportAsync(new() { Ratio = 1 });
        await dialog.GetByRole(AriaRole.Button, new() { Name = no, Exact = true }).ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(action).ToBeVisibleAsync();
    }

    private const string OnlyFilteredRowsScript = """
        () => {
            const rows = [...document.querySelectorAll('[data-testid=log-row] .log-text')];
            return rows.length > 0 && rows.every(r => r.textContent.includes('succeeded in'));
        }
        """;

    // At least ten readable screen lines of log text (issue 20's bar) in whole rows whose box lies inside
    // the viewer's visible area, each with a time, a source chip and a message at least 200 px wide;
    // and at least four such rows (a wrapped kpi line takes five screen lines at 390 px).
    // A function, not an expression: the console's CSP forbids the eval Playwright uses for expressions.
    private const string ReadableRowsScript = """
        () => {
            const view = document.querySelector('[data-testid=log-view]').getBoundingClientRect();
            const rows = [...document.querySelectorAll('[data-testid=log-row]')].filter(r => {
                const b = r.getBoundingClientRect();
                const text = r.querySelector('.log-text').getBoundingClientRect();
                return b.top >= view.top - 1 && b.bottom <= view.bottom + 1 && b.height > 0 && b.top >= 0 && b.bottom <= window.innerHeight
                    && r.querySelector('.log-time').textContent.length >= 8 && r.querySelector('.log-chip').getBoundingClientRect().width > 0
                    && text.width >= 200 && r.querySelector('.log-text').textContent.trim().length > 0;
            });
            const lines = rows.reduce((n, r) => {
                const text = r.querySelector('.log-text');
                const lineHeight = parseFloat(getComputedStyle(text).lineHeight) || 16;
                return n + Math.max(1, Math.round(text.getBoundingClientRect().height / lineHeight));
            }, 0);
            return rows.length >= 4 && lines >= 10;
        }
        """;

    private async Task<IPage> SignedInAsync(int width, int height, string path)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = bed.Base.ToString(), ViewportSize = new() { Width = width, Height = height } });
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

    // The topology's Table tab: neither the page nor the table itself scrolls sideways (long image names wrap).
    private static async Task<List<string>> TopologyTableOverflowAsync(IPage page, string device)
    {
        await OpenAsync(page, "/topology");
        await page.Locator(".mud-tab").Filter(new() { HasText = "Table" }).ClickAsync();
        var table = page.GetByTestId("topology-table");
        await Assertions.Expect(table.GetByTestId("row-name").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, $"{device}-topology-table.png"), FullPage = true });
        var problems = new List<string>();
        var (scrollWidth, innerWidth) = await WidthsAsync(page);
        if (scrollWidth > innerWidth)
        {
            problems.Add($"/topology table: {scrollWidth}px wide in a {innerWidth}px window");
        }

        var inside = await table.Locator(".mud-table-container").EvaluateAsync<int[]>("e => [e.scrollWidth, e.clientWidth]");
        if (inside[0] > inside[1])
        {
            problems.Add($"/topology table scrolls sideways inside itself: {inside[0]}px in {inside[1]}px");
        }

        return problems;
    }

    private static async Task<(int ScrollWidth, int InnerWidth)> WidthsAsync(IPage page)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.scrollingElement.scrollWidth, window.innerWidth]");
        return (widths[0], widths[1]);
    }

    private static string Slug(string path) => path == "/" ? "-overview" : path.Replace('/', '-');
}

/// <summary>
/// The stack and console <see cref="PhoneLayoutTests"/> share: one stack up for the class instead of
/// one per test. Seeds a row for each destructive button; the tests only look and answer "no".
/// </summary>
public sealed class PhoneLayoutBed() : StackConsoleBed("p")
{
    protected override async Task PrepareAsync(IServiceProvider services)
    {
        var users = services.GetRequiredService<UserService>();
        var (olga, error) = await users.CreateAsync("olga", "password-of-olga", "operator", CancellationToken.None);
        Assert.True(olga is not null, error);
        var admin = (await users.ListAsync(CancellationToken.None)).Single(u => u.Username == ConsoleAppFactory.AdminUser);
        await services.GetRequiredService<ApiTokenService>().CreateAsync(admin, "phone check", CancellationToken.None);
        await services.GetRequiredService<BackupSchedules>().AddAsync([BackupStores.Postgres], BackupTargets.Disk, "0 3 * * *", "UTC", "console", CancellationToken.None);
        var (window, errors) = await services.GetRequiredService<MaintenanceWindows>().CreateAsync(
            new WindowRequest(new DateTimeOffset(2030, 1, 5, 2, 0, 0, TimeSpan.Zero), new DateTimeOffset(2030, 1, 5, 3, 0, 0, TimeSpan.Zero)), "test", CancellationToken.None);
        Assert.True(window is not null, string.Join(" ", errors.SelectMany(e => e.Value)));
    }
}
