using KoboConsole.Testing;
using Microsoft.Playwright;

namespace KoboConsole.E2E.Topology;

public sealed class TopologyPageTests(BrowserFixture browser) : IAsyncLifetime, IClassFixture<BrowserFixture>
{
    private TestBedKobo _stack = null!;
    private ConsoleAppFactory _app = null!;
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        _stack = await TestBedKobo.UpAsync("w");
        _app = new ConsoleAppFactory(new Dictionary<string, string?> { ["KoboConsole:Stack:Prefix"] = _stack.Prefix }, realPort: true);
        var address = _app.StartRealServer();
        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = address.ToString(), ViewportSize = new() { Width = 1400, Height = 1300 } });
        _page = await _context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _app.DisposeAsync();
        await _stack.DisposeAsync();
    }

    // Was flaky in session 1: the live loops captured the first page's synchronisation context
    // and one throwing subscriber ended the refresh loop (TopologyLiveTests covers the latter).
    [Fact]
    public async Task TopologyPage_StopWorkerThroughTheUi_NodeTurnsRed()
    {
        await BrowserFixture.SignInAsync(_page, "/topology");
        var worker = _page.GetByTestId("node-worker");
        await Assertions.Expect(worker).ToHaveAttributeAsync("data-state", "running", new() { Timeout = 30_000 });
        await Assertions.Expect(_page.GetByRole(AriaRole.Img, new() { Name = "Topology graph" })).ToBeVisibleAsync();

        await worker.ClickAsync();
        await Assertions.Expect(_page.GetByTestId("container-detail")).ToContainTextAsync(_stack.Values["container.worker"]);
        await _page.GetByTestId("detail-panel").GetByRole(AriaRole.Button, new() { Name = "Stop" }).ClickAsync();
        // The confirmation (the details panel beside it is a dialog too).
        var dialog = _page.Locator(".mud-message-box");
        await Assertions.Expect(dialog).ToContainTextAsync($"{_stack.Values["container.worker"]} on Docker host local");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Stop" }).ClickAsync();

        await Assertions.Expect(worker).ToHaveAttributeAsync("data-state", "down", new() { Timeout = 30_000 });
        await Assertions.Expect(worker.Locator("rect")).ToHaveAttributeAsync("fill", "#c62828");
        await Assertions.Expect(_page.GetByTestId("detail-state")).ToContainTextAsync("exited");
        await Assertions.Expect(_page.GetByTestId("probe-postgres")).ToContainTextAsync("ok", new() { Timeout = 30_000 });
        await _page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "topology.png") });
    }
}
