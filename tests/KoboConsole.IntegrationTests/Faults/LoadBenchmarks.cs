using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using KoboConsole.IntegrationTests.Docker;
using KoboConsole.IntegrationTests.Logs;
using KoboConsole.Web.Features.Logs;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace KoboConsole.IntegrationTests.Faults;

/// <summary>
/// Load (tests/benchmarks/load.sh, KOBO_BENCH=1): 20 log viewers (SignalR hub clients) on 10 busy
/// containers plus 5 topology pollers (API clients asking GET /api/v1/topology every second, what
/// a page's refresh costs) for KOBO_BENCH_MINUTES; counts errors and samples the console's RSS.
/// Measurements, not assertions; results in the test output and /tmp/kobo-load-bench.txt.
/// </summary>
public sealed class LoadBenchmarks(DockerFixture fixture, ITestOutputHelper output) : LogsTestBase(fixture)
{
    [BenchmarkFact]
    public async Task Load_20LogViewers5TopologyPollers()
    {
        var minutes = double.Parse(Environment.GetEnvironmentVariable("KOBO_BENCH_MINUTES") ?? "5", CultureInfo.InvariantCulture);
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add(await RunServiceAsync($"worker{i}", "i=0; while true; do for j in 0 1 2 3 4 5 6 7 8 9; do echo \"[2026-11-25 10:00:00,000: INFO/MainProcess] Task kpi.tasks.x[$i] succeeded in 0.01s\"; i=$((i+1)); done; usleep 95000; done"));
        }

        await using var console = await ConsoleProcess.StartAsync(Prefix);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(minutes));
        var counters = new Counters();
        var hubs = new List<HubConnection>();
        var tasks = new List<Task>();
        var token = await console.TokenAsync(Timeout);
        for (var c = 0; c < 20; c++)
        {
            var hub = await console.ConnectAsync(token, Timeout);
            hubs.Add(hub);
            tasks.Add(Task.Run(() => ViewAsync(hub, ids, counters, stop.Token)));
        }

        for (var p = 0; p < 5; p++)
        {
            tasks.Add(Task.Run(() => PollTopologyAsync(console.Address, token, counters, stop.Token)));
        }

        var samples = await console.SampleRssUntilAsync(stop.Token);
        await Task.WhenAll(tasks);
        foreach (var hub in hubs)
        {
            await hub.DisposeAsync();
        }

        var first = samples[1].RssMb;
        var text = $"load: 20 hub clients x 10 containers (~100 lines/s each) + 5 topology pollers (1/s), {minutes} min: " +
            $"{counters.Items} log items, {counters.TopologyOk} topology answers; errors: {counters.HubErrors} hub, {counters.TopologyErrors} topology " +
            $"({string.Join("; ", counters.Samples)}); RSS after 15 s {first} MB, max {samples.Max(s => s.RssMb)} MB, end {samples[^1].RssMb} MB, " +
            $"growth {samples[^1].RssMb - first} MB; samples (min:MB) {string.Join(" ", samples.Select(s => $"{s.Minutes:0.0}:{s.RssMb}"))}";
        output.WriteLine(text);
        await File.AppendAllTextAsync("/tmp/kobo-load-bench.txt", $"{DateTimeOffset.UtcNow:u} {text}\n");
    }

    private static async Task ViewAsync(HubConnection hub, List<string> ids, Counters counters, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await foreach (var batch in hub.StreamAsync<List<LogItem>>("StreamLogs", new LogStreamRequest { Containers = ids, Tail = 200 }, stop))
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

    private static async Task PollTopologyAsync(Uri address, string token, Counters counters, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await http.GetAsync(new Uri("/api/v1/topology", UriKind.Relative), stop);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref counters.TopologyOk);
                }
                else
                {
                    counters.Error(ref counters.TopologyErrors, $"HTTP {(int)response.StatusCode}");
                }

                await Task.Delay(TimeSpan.FromSeconds(1), stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                counters.Error(ref counters.TopologyErrors, ex.GetType().Name + ": " + ex.Message);
            }
        }
    }

    private sealed class Counters
    {
        public long Items;
        public long TopologyOk;
        public long HubErrors;
        public long TopologyErrors;
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
