using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.IntegrationTests.Backups;
using KoboConsole.IntegrationTests.Restores;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Web.Features.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Upgrades;

/// <summary>
/// Whole-stack operations (<c>/api/v1/stack/{part}/{action}</c>) on a real test-bed stack: the
/// front end stopped and started again in kobo's order, the back end restarted with PostgreSQL
/// waited for, and kpi served through nginx at the end. Bad parts and actions are in the
/// bad-input table (<c>BadInputTests</c>).
/// </summary>
public sealed class StackOperationsTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    [Fact]
    public async Task StopStartFrontendThenRestartBackend_KobosOrder_SiteServedAgainAndAudited()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "so");
        using var client = await BackupsApiTests.ClientAsync(h.App);
        var frontend = await ContainersAsync(h.Stack.FrontendProject);
        var backend = await ContainersAsync(h.Stack.BackendProject);
        Assert.Contains(h.Stack.Containers["nginx"], frontend);
        Assert.Contains(h.Postgres, backend);

        // Preview touches nothing and names the phases in order.
        var preview = await client.GetFromJsonAsync<JsonElement>("/api/v1/stack/frontend/stop");
        Assert.Equal(["stop nginx", "stop front end"], preview.EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        foreach (var c in frontend)
        {
            Assert.True(await RestoreRunbookTests.RunningAsync(c), $"{c} stopped by a preview");
        }

        var stop = await RunAsync(client, "/api/v1/stack/frontend/stop");
        Assert.True(stop.GetProperty("state").GetString() == "succeeded", RestoreHarness.Describe(stop));
        var log = Lines(stop);
        Assert.True(log.FindIndex(l => l.Contains("▶ stop nginx:", StringComparison.Ordinal)) is var nginx and >= 0 && nginx < log.FindIndex(l => l.Contains("▶ stop front end:", StringComparison.Ordinal)), string.Join('\n', log));
        foreach (var c in frontend)
        {
            Assert.False(await RestoreRunbookTests.RunningAsync(c), $"{c} still runs after stop frontend");
        }

        foreach (var c in backend)
        {
            Assert.True(await RestoreRunbookTests.RunningAsync(c), $"{c} was stopped by stop frontend");
        }

        var start = await RunAsync(client, "/api/v1/stack/frontend/start");
        Assert.True(start.GetProperty("state").GetString() == "succeeded", RestoreHarness.Describe(start));
        foreach (var c in frontend)
        {
            Assert.True(await RestoreRunbookTests.RunningAsync(c), $"{c} not running after start frontend");
        }

        var postgresStarted = await RestoreRunbookTests.StartedAtAsync(h.Postgres);
        var restart = await RunAsync(client, "/api/v1/stack/backend/restart");
        Assert.True(restart.GetProperty("state").GetString() == "succeeded", RestoreHarness.Describe(restart));
        Assert.Contains(Lines(restart), l => l.EndsWith($" {h.Postgres} accepts connections.", StringComparison.Ordinal));
        Assert.NotEqual(postgresStarted, await RestoreRunbookTests.StartedAtAsync(h.Postgres));
        Assert.Equal("1", await h.PsqlAsync("koboform", "SELECT 1"));
        await KpiServedAsync(h.Stack);

        var audit = await h.App.Services.GetRequiredService<AuditLog>().ReadAsync(20, CancellationToken.None);
        Assert.Equal(["restart backend", "start frontend", "stop frontend"],
            audit.Where(a => a.Action == "stack.start").Select(a => a.Target));
    }

    [Fact]
    public async Task RestartFrontendWithMaintenance_PageUpAroundIt_NginxServesKpiAfter()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "sm");
        using var client = await BackupsApiTests.ClientAsync(h.App);
        var kpiStarted = await RestoreRunbookTests.StartedAtAsync(h.Stack.Containers["kpi"]);

        var preview = await client.GetFromJsonAsync<JsonElement>("/api/v1/stack/frontend/restart?maintenance=true");
        Assert.Equal(["maintenance on", "stop front end", "start front end", "maintenance off"], preview.EnumerateArray().Select(p => p.GetProperty("name").GetString()));

        var run = await RunAsync(client, "/api/v1/stack/frontend/restart", new { maintenance = true });
        Assert.True(run.GetProperty("state").GetString() == "succeeded", RestoreHarness.Describe(run));
        var log = Lines(run);
        int At(string text) => log.FindIndex(l => l.Contains(text, StringComparison.Ordinal));
        Assert.True(At("▶ maintenance on: the maintenance page") is var on and >= 0 && on < At("▶ stop front end:") && At("▶ start front end:") < At("▶ maintenance off: nginx serves"),
            string.Join('\n', log));
        Assert.NotEqual(kpiStarted, await RestoreRunbookTests.StartedAtAsync(h.Stack.Containers["kpi"]));
        Assert.Equal("off", (await client.GetFromJsonAsync<JsonElement>("/api/v1/maintenance")).GetProperty("state").GetString());
        await KpiServedAsync(h.Stack);
    }

    private static async Task<JsonElement> RunAsync(HttpClient client, string path, object? body = null)
    {
        using var post = body is null ? await client.PostAsync(new Uri(path, UriKind.Relative), null) : await client.PostAsJsonAsync(path, body);
        Assert.True(post.StatusCode == HttpStatusCode.Accepted, $"{path}: {(int)post.StatusCode} {await post.Content.ReadAsStringAsync()}");
        var runId = (await post.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
        var run = await RestoreHarness.WaitEndAsync(client, runId);
        Assert.Equal("stack", run.GetProperty("kind").GetString());
        return run;
    }

    private static List<string> Lines(JsonElement run) => [.. run.GetProperty("log").EnumerateArray().Select(l => l.GetString()!)];

    /// <summary>The names of a compose project's containers (not one-off ones).</summary>
    private static async Task<List<string>> ContainersAsync(string project)
    {
        var r = await BackupHarness.DockerAsync("ps", "-a", "--filter", $"label=com.docker.compose.project={project}", "--filter", "label=com.docker.compose.oneoff=False", "--format", "{{.Names}}");
        Assert.True(r.ExitCode == 0, r.StdErr);
        var names = r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        Assert.NotEmpty(names);
        return names;
    }

    /// <summary>kpi's page through nginx's published port, within a minute (nginx started last resolves kpi again).</summary>
    internal static async Task KpiServedAsync(StackInfo stack)
    {
        var port = (await BackupHarness.DockerAsync("port", stack.Containers["nginx"], "80/tcp")).StdOut.Split('\n')[0].Trim().Split(':')[^1];
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
        var last = "";
        for (var deadline = DateTime.UtcNow.AddMinutes(1); DateTime.UtcNow < deadline; await Task.Delay(250))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/");
            request.Headers.Host = "kf." + stack.Domain;
            try
            {
                using var response = await http.SendAsync(request);
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                if (last.Contains("kpi stand-in", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }
        }

        Assert.Fail($"nginx does not serve kpi after the stack operations: {last}");
    }
}
