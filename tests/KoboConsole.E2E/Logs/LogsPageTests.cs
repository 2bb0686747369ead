using System.Globalization;
using KoboConsole.Testing;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace KoboConsole.E2E.Logs;

/// <summary>The logs page in Chromium, following real containers of a kobo install with its own prefix.</summary>
public sealed class LogsPageTests(BrowserFixture browser) : IAsyncLifetime, IClassFixture<BrowserFixture>
{
    private readonly string _prefix = "lge" + Guid.NewGuid().ToString("N")[..6];
    private readonly List<string> _containers = [];
    private ConsoleAppFactory _app = null!;
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        _app = new ConsoleAppFactory(new Dictionary<string, string?> { ["KoboConsole:Stack:Prefix"] = _prefix }, realPort: true);
        var baseAddress = _app.StartRealServer();
        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseAddress.ToString(), ViewportSize = new() { Width = 1400, Height = 900 }, AcceptDownloads = true });
        _page = await _context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        var engine = _app.Services.GetRequiredService<IDockerHosts>().Get("local");
        foreach (var id in _containers)
        {
            await engine.RemoveContainerAsync(id, force: true, CancellationToken.None);
        }

        await _context.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task LogsPage_FollowFilterPauseDownload_WorksLikeAnAdminExpects()
    {
        var ticker = await RunAsync("kpi", "i=0; while true; do echo \"known line $i\"; i=$((i+1)); sleep 0.1; done");
        await RunAsync("worker", "while true; do echo '[2026-11-25 10:00:00,000: INFO/MainProcess] Task kpi.tasks.sync succeeded'; " +
            "printf '\\033[33mWARNING\\033[0m retrying <b>export</b>\\n' >&2; echo '{\"level\":\"error\",\"msg\":\"export failed\",\"asset\":\"aXyz\"}'; sleep 0.7; done");
        await SignInAsync($"/logs?container={_prefix}-kobofe-kpi-1&container={_prefix}-kobofe-worker-1");
        var rows = _page.GetByTestId("log-row");

        await _page.GetByTestId("show-logs").ClickAsync();
        await Assertions.Expect(rows.Filter(new() { HasText = "known line" }).First).ToBeVisibleAsync();
        var first = await LatestTickAsync();
        await _page.WaitForTimeoutAsync(1500);
        Assert.True(await LatestTickAsync() > first, "no new lines appeared while following");
        await Assertions.Expect(rows.Filter(new() { HasText = "retrying" }).Locator(".ansi-fg3").First).ToHaveTextAsync("WARNING");
        await _page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "logs.png") });

        // The server-side filter applies to the running view as typed: no second "Show logs".
        await _page.GetByLabel("Filter").FillAsync("known line");
        await _page.WaitForFunctionAsync(
            "() => { const t = [...document.querySelectorAll('[data-testid=log-row] .log-text')]; return t.length > 0 && t.every(e => e.textContent.includes('known line')); }",
            null, new() { Timeout = 30_000 });

        await _page.GetByTestId("pause").ClickAsync();
        var jump = _page.GetByTestId("jump-to-new");
        await Assertions.Expect(jump).ToContainTextAsync("new lines");
        await _page.WaitForTimeoutAsync(1000);
        var waiting = int.Parse((await jump.InnerTextAsync()).Split(' ')[0], CultureInfo.InvariantCulture);
        Assert.True(waiting > 0, "paused view counted no new lines");
        var pausedTick = await LatestTickAsync();
        await jump.ClickAsync();
        await Assertions.Expect(_page.GetByTestId("pause")).ToBeVisibleAsync();
        Assert.True(await LatestTickAsync() > pausedTick);

        var download = await _page.RunAndWaitForDownloadAsync(() => _page.GetByTestId("download").ClickAsync());
        Assert.EndsWith(".log", download.SuggestedFilename, StringComparison.Ordinal);
        var saved = Path.Combine(Path.GetTempPath(), download.SuggestedFilename);
        await download.SaveAsAsync(saved);
        var content = await File.ReadAllTextAsync(saved);
        Assert.Contains("known line", content, StringComparison.Ordinal);
        Assert.DoesNotContain("export failed", content, StringComparison.Ordinal);
        File.Delete(saved);
        Assert.NotEmpty(ticker);
    }

    [Fact]
    public async Task LogsPage_LevelChipThenDownloadShown_FileHoldsExactlyTheShownLines()
    {
        await RunAsync("kpi", "i=0; while true; do echo \"known line $i\"; i=$((i+1)); sleep 0.2; done");
        await RunAsync("worker", "while true; do echo '[2026-11-25 10:00:00,000: INFO/MainProcess] Task kpi.tasks.sync succeeded'; " +
            "echo 'WARNING retrying export' >&2; echo '{\"level\":\"error\",\"msg\":\"export failed\"}'; sleep 0.5; done");
        await SignInAsync($"/logs?container={_prefix}-kobofe-kpi-1&container={_prefix}-kobofe-worker-1");
        var rows = _page.GetByTestId("log-row");
        await _page.GetByTestId("show-logs").ClickAsync();
        await Assertions.Expect(rows.Filter(new() { HasText = "export failed" }).First).ToBeVisibleAsync();
        await Assertions.Expect(rows.Filter(new() { HasText = "known line" }).First).ToBeVisibleAsync();

        await _page.GetByTestId("level-error").ClickAsync();
        await Assertions.Expect(_page.GetByTestId("log-status")).ToContainTextAsync("(levels: error)");
        // Stop the view from moving while it is compared with the file.
        await _page.GetByTestId("pause").ClickAsync();
        var shown = (await rows.Locator(".log-text").AllInnerTextsAsync()).Select(t => t.Trim()).ToList();
        var download = await _page.RunAndWaitForDownloadAsync(() => _page.GetByTestId("download-shown").ClickAsync());

        Assert.Matches(@"^logs-shown-\d{8}-\d{6}\.log$", download.SuggestedFilename);
        var saved = Path.Combine(Path.GetTempPath(), $"{_prefix}-{download.SuggestedFilename}");
        await download.SaveAsAsync(saved);
        var lines = (await File.ReadAllLinesAsync(saved)).Where(l => l.Length > 0).ToList();
        File.Delete(saved);
        Assert.NotEmpty(shown);
        Assert.All(shown, t => Assert.Contains("export failed", t, StringComparison.Ordinal));
        Assert.Equal(shown.Count, lines.Count);
        Assert.All(lines, l => Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\S+ " + _prefix + @"-kobofe-worker-1 stdout \{""level"":""error"",""msg"":""export failed""\}$", l));
    }

    private async Task<int> LatestTickAsync()
    {
        var texts = await _page.GetByTestId("log-row").Filter(new() { HasText = "known line" }).Locator(".log-text").AllInnerTextsAsync();
        return texts.Select(t => int.Parse(t.Trim()["known line ".Length..], CultureInfo.InvariantCulture)).DefaultIfEmpty(-1).Max();
    }

    private async Task<string> RunAsync(string service, string script)
    {
        var engine = _app.Services.GetRequiredService<IDockerHosts>().Get("local");
        var id = await engine.CreateContainerAsync(new ContainerSpec
        {
            Image = "kobo-testbed/busybox:latest",
            Name = $"{_prefix}-kobofe-{service}-1",
            Cmd = ["sh", "-c", script],
            Networks = [new NetworkSpec("none")],
            Labels = new Dictionary<string, string>
            {
                ["com.docker.compose.project"] = $"{_prefix}-kobofe",
                ["com.docker.compose.service"] = service,
                ["com.docker.compose.oneoff"] = "False",
                ["org.koboconsole.test"] = "logs-e2e",
            },
        }, CancellationToken.None);
        _containers.Add(id);
        await engine.StartContainerAsync(id, CancellationToken.None);
        return id;
    }

    private async Task SignInAsync(string path)
    {
        await _page.GotoAsync(path);
        await _page.GetByLabel("Username").FillAsync(ConsoleAppFactory.AdminUser);
        await _page.GetByLabel("Password").FillAsync(ConsoleAppFactory.AdminPassword);
        await _page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await _page.WaitForURLAsync(url => url.Contains("/logs", StringComparison.Ordinal));
        await _page.Locator("[data-testid=circuit-interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });
    }
}
