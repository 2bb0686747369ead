using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using KoboConsole.IntegrationTests.Docker;
using KoboConsole.IntegrationTests.Logs;

namespace KoboConsole.IntegrationTests.Security;

/// <summary>
/// A catastrophic regex on the REST tail (a real container whose lines make <c>(a+)+$</c> backtrack):
/// a clear 400 naming the filter, quickly, because the filter stops at its first timeout; the
/// console stays responsive.
/// </summary>
public sealed class CatastrophicRegexTests(DockerFixture fixture) : LogsTestBase(fixture)
{
    [Fact]
    public async Task GetLogs_CatastrophicRegex_Is400NamingTheFilterWithinSeconds()
    {
        // 200 lines of 40 'a' and a '!': each one backtracks for far longer than the 50 ms match timeout.
        var id = await RunServiceAsync("kpi", "i=0; while [ $i -lt 200 ]; do echo aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!; i=$((i+1)); done; sleep 3600");
        await Task.Delay(800, Timeout);
        await using var app = NewApp();
        using var http = new HttpClient { BaseAddress = app.ServerAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(app, Timeout));
        var watch = Stopwatch.StartNew();

        using var response = await http.GetAsync(new Uri($"/api/v1/containers/{id[..12]}/logs?tail=200&regex=true&filter={Uri.EscapeDataString("(a+)+$")}", UriKind.Relative), Timeout);
        var body = await response.Content.ReadAsStringAsync(Timeout);
        var elapsed = watch.Elapsed;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal("filter", problem.RootElement.GetProperty("field").GetString());
        Assert.Contains("simplify", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // Not a performance goal but the behaviour: one timeout, not one per line (200 x 50 ms = 10 s at the least).
        Assert.True(elapsed < TimeSpan.FromSeconds(8), $"took {elapsed}: the filter did not stop at its first timeout");
        using var plain = await http.GetAsync(new Uri($"/api/v1/containers/{id[..12]}/logs?tail=3&filter=aaaa", UriKind.Relative), Timeout);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
    }
}
