using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using KoboConsole.IntegrationTests.Docker;

namespace KoboConsole.IntegrationTests.Logs;

public sealed class LogsEndpointsTests(DockerFixture fixture) : LogsTestBase(fixture)
{
    [Fact]
    public async Task GetLogs_TailAndFilter_PlainTextWithTimestamps()
    {
        var id = await RunServiceAsync("kpi", "for i in 1 2 3 4 5; do echo line$i; done; echo other; sleep 3600");
        await Task.Delay(800, Timeout);
        await using var app = NewApp();
        using var http = await ClientAsync(app);

        using var response = await http.GetAsync(new Uri($"/api/v1/containers/{id[..12]}/logs?tail=4&filter=line", UriKind.Relative), Timeout);
        var body = await response.Content.ReadAsStringAsync(Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        var lines = body.TrimEnd('\n').Split('\n');
        Assert.Equal(["line3", "line4", "line5"], lines.Select(l => l.Split(' ', 2)[1]));
        Assert.All(lines, l => Assert.True(DateTimeOffset.TryParse(l.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture, out _), l));
    }

    [Fact]
    public async Task GetLogs_LinesWithSecrets_ValuesMaskedInTailAndDownload()
    {
        var id = await RunServiceAsync("kpi", """
            echo 'DATABASE_URL=postgres://kobo:hunter2@postgres:5432/kpi'; echo 'PASSWORD: hunter2';
            echo '{"user":"kobo","password":"hunter2"}'; echo 'Authorization: Bearer hunter2'; echo done; sleep 3600
            """);
        await using var app = NewApp();
        using var http = await ClientAsync(app);
        var tail = new Uri($"/api/v1/containers/{id[..12]}/logs?tail=10", UriKind.Relative);
        var body = "";
        using var waited = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!body.Contains("done", StringComparison.Ordinal))
        {
            await Task.Delay(100, waited.Token);
            body = await http.GetStringAsync(tail, Timeout);
        }

        var download = await http.GetStringAsync(new Uri($"/logs/download?containers={id}", UriKind.Relative), Timeout);
        using var probe = await http.GetAsync(new Uri($"/api/v1/containers/{id[..12]}/logs?tail=10&filter=hunter2", UriKind.Relative), Timeout);

        Assert.DoesNotContain("hunter2", body, StringComparison.Ordinal);
        Assert.Contains("postgres://kobo:***@postgres:5432/kpi", body, StringComparison.Ordinal);
        Assert.Contains("PASSWORD: ***", body, StringComparison.Ordinal);
        Assert.Contains("\"password\":\"***\"", body, StringComparison.Ordinal);
        Assert.Contains("Authorization: Bearer ***", body, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", download, StringComparison.Ordinal);
        Assert.Contains("PASSWORD: ***", download, StringComparison.Ordinal);
        Assert.Equal("", await probe.Content.ReadAsStringAsync(Timeout));
    }

    [Fact]
    public async Task GetLogs_BadSinceAndUnknownContainer_ProblemDetails()
    {
        await using var app = NewApp();
        using var http = await ClientAsync(app);

        using var bad = await http.GetAsync(new Uri("/api/v1/containers/x/logs?since=yesterday-ish", UriKind.Relative), Timeout);
        using var unknown = await http.GetAsync(new Uri("/api/v1/containers/nope/logs", UriKind.Relative), Timeout);

        Assert.Equal((HttpStatusCode)422, bad.StatusCode);
        Assert.Contains("since", await bad.Content.ReadAsStringAsync(Timeout), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Download_SeveralContainers_ZipWithOneLogPerSource()
    {
        var a = await RunServiceAsync("kpi", "echo from-kpi; sleep 3600");
        var b = await RunServiceAsync("worker", "echo from-worker; sleep 3600");
        await Task.Delay(800, Timeout);
        await using var app = NewApp();
        using var http = await ClientAsync(app);

        using var response = await http.GetAsync(new Uri($"/logs/download?containers={a}&containers={b}", UriKind.Relative), Timeout);

        Assert.Equal("application/zip", response.Content.Headers.ContentType!.MediaType);
        using var zip = new ZipArchive(await response.Content.ReadAsStreamAsync(Timeout));
        Assert.Equal([$"{Prefix}-kobofe-kpi-1.log", $"{Prefix}-kobofe-worker-1.log"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
    }

    private async Task<HttpClient> ClientAsync(Testing.ConsoleAppFactory app)
    {
        var http = new HttpClient { BaseAddress = app.ServerAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(app, Timeout));
        return http;
    }
}
