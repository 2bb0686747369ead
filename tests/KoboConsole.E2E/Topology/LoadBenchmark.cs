using System.Globalization;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Logs;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace KoboConsole.E2E.Topology;

/// <summary>
/// Load (tests/benchmarks/load.sh, KOBO_BENCH=1): 20 log viewers (SignalR hub clients) on 10 busy
/// containers plus 5 topology pages (one Chromium, 5 contexts, each signed in with /topology open)
/// against the console's Release build as its own process, for KOBO_BENCH_MINUTES. Counts hub
/// errors and, per page, console errors, page errors, and checks (every 5 s) that showed Blazor's
/// error bar or its reconnect dialog; samples the console's RSS. Measurements, not assertions;
/// results in the test output and /tmp/kobo-load-bench.txt.
/// </summary>
public sealed class LoadBenchmark(BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [BenchmarkFact]
    public async Task Load_20LogViewers5TopologyPages()
    {
        var minutes = double.Parse(Environment.GetEnvironmentVariable("KOBO_BENCH_MINUTES") ?? "5", CultureInfo.InvariantCulture);
        var prefix = "load" + Guid.NewGuid().ToString("N")[..6];
        var names = Enumerable.Range(0, 10).Select(i => $"{prefix}-kobofe-worker{i}-1").ToList();
        try
        {
            foreach (var (name, i) in names.Select((n, i) => (n, i)))
            {
                await DockerOkAsync("run", "-d", "--name", name, "--network", "none", "--label", "org.koboconsole.test=load-bench",
                    "--label", $"com.docker.compose.project={prefix}-kobofe", "--label", $"com.docker.compose.service=worker{i}",
                    "--label", "com.docker.compose.oneoff=False", "kobo-testbed/busybox:latest", "sh", "-c",
                    $"i=0; while true; do for j in 0 1 2 3 4 5 6 7 8 9; do echo \"[2026-11-25 10:00:00,000: INFO/MainProcess] Task kpi.tasks.x[$i] succeeded in 0.01s\"; i=$((i+1)); done; usleep 95000; done");
            }

            await RunAsync(prefix, names, minutes);
        }
        finally
        {
            await TestBedKobo.DockerAsync(["rm", "-f", .. names]);
        }
    }

    private async Task RunAsync(string prefix, List<string> names, double minutes)
    {
        await using var console = await ConsoleProcess.StartAsync(prefix);
        var counters = new Counters();
        var pages = new List<(IBrowserContext Context, IPage Page)>();
        for (var p = 0; p < 5; p++)
        {
            pages.Add(await OpenTopologyAsync(console.Address, counters));
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(minutes));
        var stop = cts.Token;
        var token = await console.TokenAsync(CancellationToken.None);
        var hubs = new List<HubConnection>();
        var tasks = new List<Task>();
        for (var c = 0; c < 20; c++)
        {
            using var connect = new CancellationTokenSource(Timeout);
            var hub = await console.ConnectAsync(token, connect.Token);
            hubs.Add(hub);
            tasks.Add(Task.Run(() => ViewAsync(hub, names, counters, stop)));
        }

        tasks.Add(WatchPagesAsync(pages.Select(p => p.Page).ToList(), counters, stop));
        var load = new List<string>();
        tasks.Add(SampleLoadAsync(load, stop));
        var samples = await console.SampleRssUntilAsync(stop);
        await Task.WhenAll(tasks);
        foreach (var hub in hubs)
        {
            await hub.DisposeAsync();
        }

        var nodes = await pages[0].Page.Locator("[data-testid^=node-worker][data-state=running]").CountAsync();
        foreach (var (context, _) in pages)
        {
            await context.DisposeAsync();
        }

        var first = samples[1].RssMb;
        var text = $"load: 20 hub clients x 10 containers (~100 lines/s each) + 5 Chromium /topology pages, {minutes} min: " +
            $"{counters.Items} log items; errors: {counters.HubErrors} hub, {counters.ConsoleErrors} page console errors, {counters.PageErrors} page errors, " +
            $"{counters.ErrorBar} checks with #blazor-error-ui, {counters.Reconnect} checks with the reconnect dialog, of {counters.Checks} page checks " +
            $"(first page shows {nodes} of the 10 busy containers' nodes as running at the end) ({string.Join("; ", counters.Samples)}); RSS after 15 s {first} MB, max {samples.Max(s => s.RssMb)} MB, " +
            $"end {samples[^1].RssMb} MB, growth {samples[^1].RssMb - first} MB; samples (min:MB) {string.Join(" ", samples.Select(s => $"{s.Minutes:0.0}:{s.RssMb}"))}; " +
            $"load average (1 min, every minute) {string.Join(" ", load)}";
        output.WriteLine(text);
        await File.AppendAllTextAsync("/tmp/kobo-load-bench.txt", $"{DateTimeOffset.UtcNow:u} {text}\n");
    }

    private async Task<(IBrowserContext, IPage)> OpenTopologyAsync(Uri address, Counters counters)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = address.ToString(), ViewportSize = new() { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                counters.Error(ref counters.ConsoleErrors, "console: " + m.Text);
            }
        };
        page.PageError += (_, e) => counters.Error(ref counters.PageErrors, "page: " + e);
        await BrowserFixture.SignInAsync(page, "/topology");
        // The page shows the live topology of the busy containers, not an empty or stale graph.
        await Assertions.Expect(page.GetByTestId("node-worker9")).ToHaveAttributeAsync("data-state", "running", new() { Timeout = 30_000 });
        return (context, page);
    }

    private static async Task WatchPagesAsync(List<IPage> pages, Counters counters, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            foreach (var page in pages)
            {
                Interlocked.Increment(ref counters.Checks);
                if (await page.Locator("#blazor-error-ui").IsVisibleAsync())
                {
                    counters.Error(ref counters.ErrorBar, "error bar on a page");
                }

                if (await page.Locator("#components-reconnect-modal").IsVisibleAsync())
                {
                    counters.Error(ref counters.Reconnect, "reconnect dialog on a page");
                }
            }

            await Task.WhenAny(Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None), Task.Delay(System.Threading.Timeout.Infinite, stop));
        }
    }

    private static async Task SampleLoadAsync(List<string> load, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            load.Add((await File.ReadAllTextAsync("/proc/loadavg", CancellationToken.None)).Split(' ')[0]);
            await Task.WhenAny(Task.Delay(TimeSpan.FromMinutes(1), CancellationToken.None), Task.Delay(System.Threading.Timeout.Infinite, stop));
        }

        load.Add((await File.ReadAllTextAsync("/proc/loadavg", CancellationToken.None)).Split(' ')[0]);
    }

    private static async Task ViewAsync(HubConnection hub, List<string> names, Counters counters, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await foreach (var batch in hub.StreamAsync<List<LogItem>>("StreamLogs", new LogStreamRequest { Containers = names, Tail = 200 }, stop))
                {
                    Interlocked.Add(ref counters.Items, batch.Count);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                counters.Error(ref counters.HubErrors, ex.GetType().Name + ": " + ex.Message);
            }
        }
    }

    private static async Task DockerOkAsync(params string[] args)
    {
        var (code, _, stdErr) = await TestBedKobo.DockerAsync(args);
        Assert.True(code == 0, $"docker {string.Join(' ', args)} failed: {stdErr}");
    }

    private sealed class Counters
    {
        public long Items;
        public long HubErrors;
        public long ConsoleErrors;
        public long PageErrors;
        public long ErrorBar;
        public long Reconnect;
        public long Checks;
        public readonly List<string> Samples = [];

        public void Error(ref long counter, string what)
        {
            Interlocked.Increment(ref counter);
            lock (Samples)
            {
                if (Samples.Count < 5)
                {
                    Samples.Add(what);
                }
            }
        }
    }
}
