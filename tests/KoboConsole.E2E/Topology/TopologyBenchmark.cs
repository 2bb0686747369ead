using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace KoboConsole.E2E.Topology;

/// <summary>
/// 60 kobo-labelled containers on two Docker engines (the main one and a second one started for
/// this run): the time of GET /api/v1/topology, and the latency from Docker's event (its own
/// timestamp) to the page's node changing colour in Chromium. Results: docs/benchmarks.md.
/// </summary>
public sealed class TopologyBenchmark(BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    private const string Main = "unix:///var/run/docker.sock";
    private static readonly string[] NoGrace = ["-t", "0"];
    private static readonly string[] Services =
        ["nginx", "kpi", "enketo_express", "worker", "worker_low_priority", "worker_long_running_tasks", "beat", "postgres", "mongo", "redis_main", "redis_cache", "kobocat", "rabbit", "certbot"];

    [BenchmarkFact]
    public async Task Benchmark_SixtyContainersOnTwoHosts_ApiTimeAndEventToPageLatency()
    {
        var name = "bench" + Guid.NewGuid().ToString("N")[..6];
        var second = "unix://" + (await Sh("bash", "docker/testbed/engine.sh", "second", name)).Trim();
        try
        {
            for (var i = 0; i < 59; i++)
            {
                var service = Services[i % Services.Length];
                await RunContainerAsync(i % 2 == 0 ? Main : second, $"{name}-{service}-{i}", name + (KoboBackEnd(service) ? "-kobobe" : "-kobofe"), service);
            }

            await RunContainerAsync(Main, $"{name}-maintenance", name + "-kobomaintenance", "maintenance");
            await using var app = new ConsoleAppFactory(new Dictionary<string, string?>
            {
                ["KoboConsole:Stack:Prefix"] = name,
                ["KoboConsole:Docker:Hosts:0:Name"] = "main",
                ["KoboConsole:Docker:Hosts:0:Endpoint"] = Main,
                ["KoboConsole:Docker:Hosts:1:Name"] = "second",
                ["KoboConsole:Docker:Hosts:1:Endpoint"] = second,
                ["Logging:LogLevel:Default"] = "Warning",
            }, realPort: true);
            var baseUri = app.StartRealServer();
            await MeasureApiAsync(baseUri);
            await MeasureEventToPageAsync(baseUri, name);
        }
        finally
        {
            var ids = (await Sh("docker", "-H", Main, "ps", "-aq", "--filter", $"label=org.koboconsole.bench={name}")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (ids.Length > 0)
            {
                await Sh("docker", ["-H", Main, "rm", "-f", .. ids]);
            }

            await Sh("bash", "docker/testbed/engine.sh", "stop-second", name);
        }
    }

    private async Task MeasureApiAsync(Uri baseUri)
    {
        using var http = new HttpClient { BaseAddress = baseUri };
        using var tokenResponse = await http.PostAsJsonAsync("/api/v1/tokens", new { username = ConsoleAppFactory.AdminUser, password = ConsoleAppFactory.AdminPassword, name = "bench" });
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString());
        var times = new List<double>();
        for (var i = 0; i < 33; i++)
        {
            var watch = Stopwatch.StartNew();
            var body = await http.GetFromJsonAsync<JsonElement>("/api/v1/topology");
            watch.Stop();
            Assert.Equal(60, body.GetProperty("containers").GetArrayLength());
            if (i >= 3)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        output.WriteLine($"API GET /api/v1/topology, 60 containers on 2 hosts, n={times.Count}: {Stats(times)}");
    }

    private async Task MeasureEventToPageAsync(Uri baseUri, string name)
    {
        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUri.ToString(), ViewportSize = new() { Width = 1600, Height = 1200 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/topology");
        await page.GetByLabel("Username").FillAsync(ConsoleAppFactory.AdminUser);
        await page.GetByLabel("Password").FillAsync(ConsoleAppFactory.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        var node = page.GetByTestId("node-maintenance");
        await Assertions.Expect(node).ToHaveAttributeAsync("data-state", "running", new() { Timeout = 60_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "topology-60.png"), FullPage = true });
        // The moment the DOM changes, in the browser (same machine clock as Docker's timestamps).
        await page.EvaluateAsync(@"() => {
            let last = null;
            const check = () => {
                const n = document.querySelector('[data-testid=node-maintenance]');
                const s = n && n.getAttribute('data-state');
                if (s !== last) { last = s; window.__kcSeen = Date.now(); }
            };
            new MutationObserver(check).observe(document.body, { subtree: true, attributes: true, childList: true });
            check();
        }");
        var latencies = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            foreach (var (command, want, evt) in new[] { ("stop", "down", "die"), ("start", "running", "start") })
            {
                var since = DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeSeconds();
                await Sh("docker", ["-H", Main, command, .. command == "stop" ? NoGrace : [], $"{name}-maintenance"]);
                await Assertions.Expect(node).ToHaveAttributeAsync("data-state", want, new() { Timeout = 30_000 });
                var seenAt = await page.EvaluateAsync<double>("() => window.__kcSeen ?? 0");
                var events = await Sh("docker", "-H", Main, "events", "--since", since.ToString(CultureInfo.InvariantCulture), "--until", DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                    "--filter", $"container={name}-maintenance", "--filter", $"event={evt}", "--format", "{{.TimeNano}}");
                var eventMs = long.Parse(events.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1], CultureInfo.InvariantCulture) / 1_000_000.0;
                latencies.Add(seenAt - eventMs);
            }
        }

        output.WriteLine($"Docker event -> node colour in Chromium, n={latencies.Count}: {Stats(latencies)}");
    }

    private static string Stats(List<double> ms)
    {
        ms.Sort();
        double P(double q) => ms[Math.Min(ms.Count - 1, (int)Math.Ceiling(q * ms.Count) - 1)];
        return string.Create(CultureInfo.InvariantCulture, $"min {ms[0]:0} ms, p50 {P(0.5):0} ms, p95 {P(0.95):0} ms, max {ms[^1]:0} ms");
    }

    private static bool KoboBackEnd(string s) => s is "postgres" or "mongo" or "redis_main" or "redis_cache" or "rabbit";

    private static Task<string> RunContainerAsync(string engine, string container, string project, string service) =>
        Sh("docker", "-H", engine, "run", "-d", "--name", container, "--label", "org.koboconsole.testbed=1", "--label", $"org.koboconsole.bench={project.Split('-')[0]}",
            "--label", $"com.docker.compose.project={project}", "--label", $"com.docker.compose.service={service}", "kobo-testbed/busybox", "sleep", "3600");

    private static async Task<string> Sh(string file, params string[] args)
    {
        var dir = AppContext.BaseDirectory;
        while (!Directory.Exists(Path.Combine(dir, "docker", "testbed")))
        {
            dir = Path.GetDirectoryName(dir)!;
        }

        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        args.ToList().ForEach(start.ArgumentList.Add);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return p.ExitCode == 0 ? await stdout : throw new InvalidOperationException($"{file} {string.Join(' ', args)}: {await stderr}");
    }
}
