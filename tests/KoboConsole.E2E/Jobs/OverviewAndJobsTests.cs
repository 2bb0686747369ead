using KoboConsole.Testing;
using KoboConsole.Web.Features.Topology;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace KoboConsole.E2E.Jobs;

/// <summary>
/// The overview (home page), /jobs and the container stats on a test-bed stack, at laptop and
/// phone width, with screenshots in the run's screenshot folder. A real container restart gives
/// /jobs a row; the stats are sampled from the real engine while the detail panel is open.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class OverviewAndJobsTests(BrowserFixture browser, OverviewAndJobsBed bed) : IClassFixture<OverviewAndJobsBed>, IAsyncLifetime
{
    private readonly List<IBrowserContext> _contexts = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(1440, 900, "laptop")]
    [InlineData(390, 844, "phone")]
    public async Task OverviewAndJobs_AtWidth_ShowTheRestartAndFitTheWindow(int width, int height, string device)
    {
        var page = await SignedInAsync(width, height, "/");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Exact = true })).ToBeVisibleAsync();
        await SettleAsync(page);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, $"overview-{device}.png"), FullPage = true });
        var overviewWidths = await WidthsAsync(page);

        await OpenAsync(page, "/jobs");
        var row = page.GetByTestId("job-row").Filter(new() { HasText = "Container restart" });
        await Assertions.Expect(row).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Assertions.Expect(row).ToContainTextAsync($"by {ConsoleAppFactory.AdminUser}");
        await Assertions.Expect(row).ToContainTextAsync(bed.Stack.Values["container.worker"]);
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "succeeded");
        await SettleAsync(page);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, $"jobs-{device}.png"), FullPage = true });
        var jobsWidths = await WidthsAsync(page);

        // Filtering by who: nobody of that name empties the list, the admin's name brings the row back.
        await page.GetByLabel("Who").FillAsync("nobody-here");
        await Assertions.Expect(page.GetByTestId("jobs-empty")).ToBeVisibleAsync();
        await page.GetByLabel("Who").FillAsync(ConsoleAppFactory.AdminUser);
        await Assertions.Expect(row).ToHaveCountAsync(1);

        Assert.True(overviewWidths.ScrollWidth <= overviewWidths.InnerWidth, $"overview: {overviewWidths.ScrollWidth}px wide in a {overviewWidths.InnerWidth}px window");
        Assert.True(jobsWidths.ScrollWidth <= jobsWidths.InnerWidth, $"/jobs: {jobsWidths.ScrollWidth}px wide in a {jobsWidths.InnerWidth}px window");
    }

    [Theory]
    [InlineData(1440, 900, "laptop")]
    [InlineData(390, 844, "phone")]
    public async Task ContainerPanel_Postgres_ChartsItsMemoryAndFits(int width, int height, string device)
    {
        var page = await SignedInAsync(width, height, "/topology");
        var postgres = page.GetByTestId("node-postgres");
        await Assertions.Expect(postgres).ToHaveAttributeAsync("data-state", "running", new() { Timeout = 30_000 });

        await postgres.ClickAsync();

        // The first sample arrives at once, CPU with the second a few seconds later.
        await Assertions.Expect(page.GetByTestId("chart-memory").Locator("polyline")).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await Assertions.Expect(page.GetByTestId("chart-cpu").Locator("polyline")).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await Assertions.Expect(page.GetByTestId("chart-memory-latest")).ToContainTextAsync("B");
        await page.GetByTestId("container-stats").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, $"container-stats-{device}.png") });
        var (scrollWidth, innerWidth) = await WidthsAsync(page);
        Assert.True(scrollWidth <= innerWidth, $"{scrollWidth}px wide in a {innerWidth}px window");
    }

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
    }

    // Pages load their data once interactive: measure and shoot once the network and the render settled.
    private static async Task SettleAsync(IPage page)
    {
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.WaitForFunctionAsync("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))");
    }

    private static async Task<(int ScrollWidth, int InnerWidth)> WidthsAsync(IPage page)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.scrollingElement.scrollWidth, window.innerWidth]");
        return (widths[0], widths[1]);
    }
}

/// <summary>One stack and one console for the class (its tests only read): the worker restarted once, so /jobs has a row.</summary>
public sealed class OverviewAndJobsBed() : StackConsoleBed("j")
{
    protected override async Task PrepareAsync(IServiceProvider services)
    {
        var worker = await services.GetRequiredService<TopologyService>().FindAsync(Stack.Values["container.worker"], CancellationToken.None)
            ?? throw new InvalidOperationException("The test bed's worker is missing.");
        await services.GetRequiredService<ContainerActions>().RunAsync(worker, ContainerAction.Restart, ConsoleAppFactory.AdminUser, CancellationToken.None);
    }
}
