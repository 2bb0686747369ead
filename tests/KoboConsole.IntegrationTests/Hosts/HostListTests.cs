using System.Net;
using KoboConsole.Testing;

namespace KoboConsole.IntegrationTests.Hosts;

/// <summary>A host that is down does not stop the app: the overview shows it as unreachable next to a live one.</summary>
public sealed class HostListTests : IAsyncLifetime
{
    private readonly ConsoleAppFactory _app = new(new Dictionary<string, string?>
    {
        ["KoboConsole:Docker:Hosts:0:Name"] = "frontend",
        ["KoboConsole:Docker:Hosts:0:Endpoint"] = "unix:///var/run/docker.sock",
        ["KoboConsole:Docker:Hosts:1:Name"] = "backend",
        ["KoboConsole:Docker:Hosts:1:Endpoint"] = "unix:///run/koboconsole-test-no-such.sock",
        ["KoboConsole:Docker:Hosts:1:ConnectTimeoutSeconds"] = "2",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Overview_OneHostDown_ShowsItUnreachableWithTheEndpointAndTheOtherReachable()
    {
        using var client = _app.CreateBrowserLikeClient();
        using (await ConsoleAppFactory.PostLoginAsync(client, ConsoleAppFactory.AdminUser, ConsoleAppFactory.AdminPassword))
        {
        }

        using var response = await client.GetAsync(new Uri("/", UriKind.Relative));
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var frontend = RowOf(html, "frontend");
        var backend = RowOf(html, "backend");
        Assert.Contains(">reachable<", frontend, StringComparison.Ordinal);
        Assert.Contains("unreachable", backend, StringComparison.Ordinal);
        Assert.Contains("/run/koboconsole-test-no-such.sock", backend, StringComparison.Ordinal);
    }

    private static string RowOf(string html, string host)
    {
        var start = html.IndexOf($"<td>{host}</td>", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no row for {host}");
        var end = html.IndexOf("</tr>", start, StringComparison.Ordinal);
        return html[start..end];
    }
}
