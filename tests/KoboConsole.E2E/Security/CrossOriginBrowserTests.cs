using KoboConsole.Testing;
using KoboConsole.Web.Features.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace KoboConsole.E2E.Security;

/// <summary>
/// Issue 21, item 1, in Chromium: while the browser is signed in to the console, a page on another
/// origin of the same site (another port of 127.0.0.1, served by a small Kestrel here) auto-submits
/// a form, calls <c>fetch</c> with credentials and opens a WebSocket to the log hub. The login cookie
/// (SameSite=Strict) goes along, as it did before; the console refuses all three, so nothing runs
/// (no audit entry). The same request from the console's own page still reaches the action.
/// </summary>
public sealed class CrossOriginBrowserTests(BrowserFixture browser) : IAsyncLifetime, IClassFixture<BrowserFixture>
{
    private const string Action = "/api/v1/maintenance/disable";

    private readonly ConsoleAppFactory _app = new(new Dictionary<string, string?>
    {
        ["KoboConsole:Docker:Hosts:0:Name"] = "nowhere",
        ["KoboConsole:Docker:Hosts:0:Endpoint"] = "unix:///run/koboconsole-e2e-no-such.sock",
    }, realPort: true);

    private WebApplication _other = null!;
    private IBrowserContext _context = null!;
    private Uri _console = null!;
    private Uri _otherOrigin = null!;

    public async Task InitializeAsync()
    {
        _console = _app.StartRealServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _other = builder.Build();
        _other.MapGet("/", () => Results.Content(AttackPage(_console), "text/html"));
        await _other.StartAsync();
        _otherOrigin = new Uri(_other.Urls.First());
        Assert.Equal(_console.Host, _otherOrigin.Host);
        Assert.NotEqual(_console.Port, _otherOrigin.Port);
        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _console.ToString() });
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _other.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task MaintenanceDisable_FormAndFetchFromAnotherOriginOfTheSite_AreRefusedAndNothingRuns()
    {
        var console = await _context.NewPageAsync();
        await BrowserFixture.SignInAsync(console, "/topology");
        var page = await _context.NewPageAsync();
        var seen = new List<IResponse>();
        _context.Response += (_, r) =>
        {
            if (r.Url.EndsWith(Action, StringComparison.Ordinal))
            {
                lock (seen)
                {
                    seen.Add(r);
                }
            }
        };

        await page.GotoAsync(_otherOrigin.ToString());
        await Assertions.Expect(page).ToHaveTitleAsync("websocket refused");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (Count(seen) < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(Count(seen) == 2, $"responses seen: {string.Join(", ", seen.Select(r => $"{r.Request.ResourceType} {r.Status}"))}");

        // Both requests (the form's and fetch's) reached the console signed in (without the cookie the answer
        // would be 401; Playwright does not show a no-cors fetch's cookie header), and were refused there.
        Assert.All(seen, r => Assert.Equal(403, r.Status));
        var form = seen.Single(r => r.Request.ResourceType == "document");
        Assert.Contains("KoboConsole.Auth=", await form.Request.HeaderValueAsync("cookie") ?? "", StringComparison.Ordinal);

        Assert.DoesNotContain(await AuditAsync(), e => e.Action == "maintenance.disable");
    }

    [Fact]
    public async Task MaintenanceDisable_FetchFromTheConsolesOwnPage_ReachesTheAction()
    {
        var console = await _context.NewPageAsync();
        await BrowserFixture.SignInAsync(console, "/topology");

        var status = await console.EvaluateAsync<int>($"fetch('{Action}', {{ method: 'POST' }}).then(r => r.status)");
        var created = await console.EvaluateAsync<int>(
            "fetch('/api/v1/users', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'from-page', password: 'password-of-from-page', role: 'viewer' }) }).then(r => r.status)");

        // No Docker engine answers here: the switch itself refuses (409) after the request got through.
        Assert.NotEqual(403, status);
        Assert.Equal(201, created);
        Assert.Contains(await AuditAsync(), e => e.Action == "maintenance.disable" && e.Actor == ConsoleAppFactory.AdminUser);
    }

    /// <summary>What a hostile page beside the console would do: a form that posts itself, a fetch with credentials, a WebSocket to the hub.</summary>
    private static string AttackPage(Uri console)
    {
        var action = new Uri(console, Action);
        var hub = new UriBuilder(new Uri(console, "/hubs/logs")) { Scheme = "ws" }.Uri;
        return $$"""
            <!DOCTYPE html>
            <html><head><title>attack</title></head><body>
            <iframe name="sink"></iframe>
            <form id="f" method="post" action="{{action}}" target="sink"><input name="x" value="1"></form>
            <script>
              fetch('{{action}}', { method: 'POST', credentials: 'include', mode: 'no-cors' }).catch(() => {});
              document.getElementById('f').submit();
              const ws = new WebSocket('{{hub}}');
              ws.onopen = () => { document.title = 'websocket open'; };
              ws.onerror = () => { document.title = 'websocket refused'; };
            </script>
            </body></html>
            """;
    }

    private static int Count(List<IResponse> seen)
    {
        lock (seen)
        {
            return seen.Count;
        }
    }

    private Task<IReadOnlyList<AuditEntry>> AuditAsync() =>
        _app.Services.GetRequiredService<AuditLog>().ReadAsync(1000, CancellationToken.None);
}
