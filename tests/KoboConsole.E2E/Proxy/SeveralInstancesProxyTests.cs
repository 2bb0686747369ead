using System.Text.RegularExpressions;
using KoboConsole.Testing;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace KoboConsole.E2E.Proxy;

/// <summary>
/// Two console instances on one PostgreSQL storage behind docker/nginx/koboconsole.conf (both as
/// upstreams, the example's ip_hash): the browser sticks to one; when that one stops, nginx fails
/// over and, after a reload, the same login works on the other (shared Data Protection keys).
/// </summary>
public sealed partial class SeveralInstancesProxyTests(BrowserFixture browser, ConsolePostgresFixture pg, ITestOutputHelper output)
    : IClassFixture<ConsolePostgresFixture>, IAsyncLifetime, IClassFixture<BrowserFixture>
{
    private readonly string _prefix = "pxi" + Guid.NewGuid().ToString("N")[..6];
    private readonly List<ConsoleAppFactory> _instances = [];
    private NginxProxy _proxy = null!;
    private IBrowserContext _context = null!;
    private string? _container;

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["KoboConsole:Storage:Provider"] = "PostgreSql",
            ["KoboConsole:Storage:ConnectionString"] = pg.ConnectionString,
            ["KoboConsole:Stack:Prefix"] = _prefix,
            ["KoboConsole:Http:KnownProxies:0"] = "127.0.0.1",
        };
        _instances.Add(new ConsoleAppFactory(settings, realPort: true));
        _instances.Add(new ConsoleAppFactory(settings, realPort: true));
        var addresses = _instances.Select(i => i.StartRealServer()).ToArray();
        _proxy = await NginxProxy.StartAsync(TestBedKobo.RepoRoot(), addresses);
        _context = await _proxy.NewContextAsync(browser.Browser);
    }

    public async Task DisposeAsync()
    {
        if (_container is not null)
        {
            await _instances[^1].Services.GetRequiredService<IDockerHosts>().Get("local").RemoveContainerAsync(_container, force: true, CancellationToken.None);
        }

        await _context.DisposeAsync();
        output.WriteLine("nginx access log:\n" + _proxy.AccessLog);
        await _proxy.DisposeAsync();
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }
    }

    [Fact]
    public async Task TwoInstances_ServingOneStops_NginxFailsOverAndTheLoginAndLiveLogsWorkOnTheOther()
    {
        _container = await LogTicker.RunAsync(_instances[0].Services.GetRequiredService<IDockerHosts>().Get("local"), _prefix, "instance line");
        var logs = $"/logs?container={LogTicker.Name(_prefix)}";
        var page = await _context.NewPageAsync();
        await page.GotoAsync(logs);
        await page.GetByLabel("Username").FillAsync(ConsoleAppFactory.AdminUser);
        await page.GetByLabel("Password").FillAsync(ConsoleAppFactory.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/logs", StringComparison.Ordinal));
        await SeeLiveLineAsync(page);

        // Sticky: every request so far went to one instance.
        var before = Served(_proxy.AccessLog);
        var serving = Assert.Single(before.Select(l => l.Upstream).Distinct());
        var stopped = _instances.Single(i => Upstream(i) == serving);
        var other = Upstream(_instances.Single(i => i != stopped));
        _instances.Remove(stopped);

        // The instance goes away at once, as if killed: Kestrel stops with an already cancelled
        // token, so it listens no more and aborts its connections. (A graceful stop closes the
        // circuits first while Kestrel still accepts, and the browser reconnects to the dying
        // instance until the 30 s shutdown timeout.) The circuit's WebSocket drops; Blazor
        // reconnects through nginx to the other instance, which has no such circuit and rejects
        // it, so blazor.web.js reloads the page itself.
        await page.RunAndWaitForRequestAsync(
            async () => await stopped.Services.GetRequiredService<IServer>().StopAsync(new CancellationToken(canceled: true)),
            r => r.IsNavigationRequest, new() { Timeout = 90_000 });
        await stopped.DisposeAsync();
        await page.WaitForLoadStateAsync(LoadState.Load);
        Assert.EndsWith(logs, page.Url, StringComparison.Ordinal); // still signed in: no redirect to /login
        await SeeLiveLineAsync(page);

        // nginx logs a WebSocket request when it closes: close the page and give nginx a moment.
        await page.CloseAsync();
        List<(string Request, string Status, string Upstream)> after;
        var i = 0;
        do
        {
            await Task.Delay(100);
            // The stopped instance's own circuit WebSocket and reconnect attempt are logged after the stop too.
            after = [.. Served(_proxy.AccessLog)[before.Count..].Where(l => l.Upstream != serving)];
        }
        while (!after.Exists(WebSocketOnOther) && ++i < 50);

        bool WebSocketOnOther((string Request, string Status, string Upstream) l) =>
            l.Request.StartsWith("GET /_blazor?id=", StringComparison.Ordinal) && l.Status == "101" && l.Upstream == other;
        // The first request after the stop tried the stopped instance, then the other ("a, b");
        // every request after the stop was served by the other (nginx retries the stopped one
        // now and then after its fail_timeout, 10 s, and moves on).
        Assert.Equal($"{serving}, {other}", after[0].Upstream);
        Assert.All(after, l => Assert.EndsWith(other, l.Upstream, StringComparison.Ordinal));
        Assert.Contains(after, l => l.Request.StartsWith($"GET {logs} ", StringComparison.Ordinal) && l.Status == "200");
        Assert.Contains(after, WebSocketOnOther);
    }

    private static async Task SeeLiveLineAsync(IPage page)
    {
        await page.Locator("[data-testid=circuit-interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });
        await page.GetByTestId("show-logs").ClickAsync();
        var rows = page.GetByTestId("log-row").Filter(new() { HasText = "instance line" });
        await Assertions.Expect(rows.First).ToBeVisibleAsync();
        var count = await rows.CountAsync();
        await Assertions.Expect(rows.Nth(count)).ToBeVisibleAsync();
    }

    private static string Upstream(ConsoleAppFactory instance) => $"127.0.0.1:{instance.ServerAddress!.Port}";

    // Requests nginx handed to an upstream (static 301s and the like have none), in log order.
    private static List<(string Request, string Status, string Upstream)> Served(string accessLog) =>
        [.. LogLine().Matches(accessLog).Where(m => m.Groups["upstream"].Value != "-")
            .Select(m => (m.Groups["request"].Value, m.Groups["status"].Value, m.Groups["upstream"].Value))];

    [GeneratedRegex("""^\S+ \[[^\]]+\] "(?<request>[^"]*)" (?<status>\d+) \d+ upstream=(?<upstream>.*)$""", RegexOptions.Multiline)]
    private static partial Regex LogLine();
}
