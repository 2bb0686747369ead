using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.Testing;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace KoboConsole.E2E.Proxy;

/// <summary>
/// The console behind docker/nginx/koboconsole.conf (Debian's nginx, TLS): a person signs in
/// through the proxy and sees a log line arrive live over the Blazor circuit's WebSocket.
/// </summary>
public sealed partial class ProxyTests(BrowserFixture browser) : IAsyncLifetime, IClassFixture<BrowserFixture>
{
    private readonly string _prefix = "prx" + Guid.NewGuid().ToString("N")[..6];
    private ConsoleAppFactory _app = null!;
    private NginxProxy _proxy = null!;
    private IBrowserContext _context = null!;
    private string? _container;

    public async Task InitializeAsync()
    {
        _app = new ConsoleAppFactory(new Dictionary<string, string?> { ["KoboConsole:Stack:Prefix"] = _prefix, ["KoboConsole:Http:KnownProxies:0"] = "127.0.0.1" }, realPort: true);
        var console = _app.StartRealServer();
        _proxy = await NginxProxy.StartAsync(TestBedKobo.RepoRoot(), console);
        _context = await _proxy.NewContextAsync(browser.Browser);
    }

    public async Task DisposeAsync()
    {
        if (_container is not null)
        {
            await _app.Services.GetRequiredService<IDockerHosts>().Get("local").RemoveContainerAsync(_container, force: true, CancellationToken.None);
        }

        await _context.DisposeAsync();
        await _proxy.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Proxy_LoginAndLiveLogs_WorkThroughNginxWithWebSockets()
    {
        _container = await RunTickerAsync();
        var page = await _context.NewPageAsync();
        await page.GotoAsync($"/logs?container={LogTicker.Name(_prefix)}");
        await page.GetByLabel("Username").FillAsync(ConsoleAppFactory.AdminUser);
        await page.GetByLabel("Password").FillAsync(ConsoleAppFactory.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/logs", StringComparison.Ordinal));
        await page.Locator("[data-testid=circuit-interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });

        // X-Forwarded-Proto reached the console: it marked its login cookie Secure.
        var cookies = await _context.CookiesAsync();
        Assert.True(Assert.Single(cookies, c => c.Name == "KoboConsole.Auth").Secure, "the login cookie is not Secure behind the TLS proxy");

        await page.GetByTestId("show-logs").ClickAsync();
        var rows = page.GetByTestId("log-row").Filter(new() { HasText = "proxied line" });
        await Assertions.Expect(rows.First).ToBeVisibleAsync();
        var before = await rows.CountAsync();
        await Assertions.Expect(rows.Nth(before)).ToBeVisibleAsync();

        // The circuit used a WebSocket through nginx (101), not a long-polling fallback. nginx logs
        // a WebSocket request when it closes, so close the page and give nginx a moment.
        await page.CloseAsync();
        var upgraded = WebSocketLine();
        for (var i = 0; i < 50 && !upgraded.IsMatch(_proxy.AccessLog); i++)
        {
            await Task.Delay(100);
        }

        Assert.Matches(upgraded, _proxy.AccessLog);
    }

    [Fact]
    public async Task Proxy_LogHubWithoutNegotiation_StreamsLiveLinesThroughNginx()
    {
        _container = await RunTickerAsync();
        var proxy = new Uri($"https://127.0.0.1:{_proxy.HttpsPort}");
        // Trust exactly the proxy's self-signed certificate.
        var pinned = _proxy.CertificateHash;
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == pinned };
        using var http = new HttpClient(handler) { BaseAddress = proxy };
        using var tokenResponse = await http.PostAsJsonAsync("/api/v1/tokens", new { username = ConsoleAppFactory.AdminUser, password = ConsoleAppFactory.AdminPassword, name = "hub via proxy" });
        tokenResponse.EnsureSuccessStatusCode();
        var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();

        // One WebSocket request and no negotiate: what several instances allow without sticky sessions.
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(proxy, "/hubs/logs"), o =>
            {
                o.SkipNegotiation = true;
                o.Transports = HttpTransportType.WebSockets;
                o.AccessTokenProvider = () => Task.FromResult(token);
                o.WebSocketConfiguration = ws => ws.RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == pinned;
            })
            .Build();
        await hub.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var request = new { containers = new[] { LogTicker.Name(_prefix) }, tail = 0, follow = true };
        var lines = new List<string>();
        await foreach (var batch in hub.StreamAsync<JsonElement[]>("StreamLogs", request, timeout.Token))
        {
            lines.AddRange(batch.Where(i => i.TryGetProperty("text", out _)).Select(i => i.GetProperty("text").GetString()!));
            if (lines.Count(l => l.StartsWith("proxied line", StringComparison.Ordinal)) >= 3)
            {
                break;
            }
        }

        Assert.True(lines.Count(l => l.StartsWith("proxied line", StringComparison.Ordinal)) >= 3, $"got: {string.Join(" | ", lines)}");
    }

    private Task<string> RunTickerAsync() =>
        LogTicker.RunAsync(_app.Services.GetRequiredService<IDockerHosts>().Get("local"), _prefix, "proxied line");

    [System.Text.RegularExpressions.GeneratedRegex(@"GET /_blazor\?id=[^ ]+ HTTP/1\.1"" 101 ")]
    private static partial System.Text.RegularExpressions.Regex WebSocketLine();
}
