using System.Diagnostics;
using System.Globalization;
using KoboConsole.IntegrationTests.Docker;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Logs;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace KoboConsole.IntegrationTests.Logs;

/// <summary>Runs only with KOBO_BENCH=1 (see docs/benchmarks.md): measurements, not assertions.</summary>
public sealed class BenchmarkFactAttribute : FactAttribute
{
    public BenchmarkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("KOBO_BENCH") != "1")
        {
            Skip = "benchmark: set KOBO_BENCH=1";
        }
    }
}

/// <summary>
/// The console as its own process (Release build), so its memory is its own; hub clients and
/// <c>docker logs -f</c> run here. Results go to the test output and /tmp/kobo-logs-bench.txt.
/// </summary>
public sealed class LogsBenchmarks(DockerFixture fixture, ITestOutputHelper output) : LogsTestBase(fixture)
{
    [BenchmarkFact]
    public async Task Throughput_HubClientVsDockerLogsFollow()
    {
        const int Count = 300_000;
        var id = await RunServiceAsync("kpi", $"sleep 8; seq 1 {Count}; sleep 3600");
        await using var console = await ConsoleProcess.StartAsync(Prefix);
        await using var hub = await console.ConnectAsync(Timeout);
        var cli = Task.Run(() => DockerLogsFollowAsync(id, Count.ToString(CultureInfo.InvariantCulture)));
        var (hubLines, hubSeconds, gaps) = await ReceiveUntilAsync(hub, id, Count.ToString(CultureInfo.InvariantCulture));
        var (cliLines, cliSeconds) = await cli;

        Report($"throughput: hub {hubLines} lines in {hubSeconds:0.00} s = {hubLines / hubSeconds:0} lines/s (gap items: {gaps}); " +
            $"docker logs -f {cliLines} lines in {cliSeconds:0.00} s = {cliLines / cliSeconds:0} lines/s; ratio {hubLines / hubSeconds / (cliLines / cliSeconds):0.00}x");
    }

    [BenchmarkFact]
    public async Task Latency_At1000LinesPerSecond()
    {
        // 10 lines per 10 ms burst; Docker's own timestamp (when the daemon read the line) is the write time.
        var id = await RunServiceAsync("kpi", "sleep 8; while true; do for i in 0 1 2 3 4 5 6 7 8 9; do echo line; done; usleep 8500; done");
        await using var console = await ConsoleProcess.StartAsync(Prefix);
        await using var hub = await console.ConnectAsync(Timeout);
        var latencies = new List<double>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(35));
        var started = Stopwatch.StartNew();
        try
        {
            await foreach (var batch in hub.StreamAsync<List<LogItem>>("StreamLogs", new LogStreamRequest { Containers = [id], Tail = 0, Files = false }, stop.Token))
            {
                var now = DateTimeOffset.UtcNow;
                latencies.AddRange(batch.Where(i => !i.IsMarker).Select(i => (now - i.Timestamp).TotalMilliseconds));
            }
        }
        catch (OperationCanceledException)
        {
            // The measuring window ended.
        }

        latencies.Sort();
        double P(double q) => latencies[(int)Math.Min(latencies.Count - 1, q * latencies.Count)];
        Report($"latency: {latencies.Count} lines in {started.Elapsed.TotalSeconds - 8:0} s (~{latencies.Count / (started.Elapsed.TotalSeconds - 8):0} lines/s): p50 {P(0.5):0.0} ms, p95 {P(0.95):0.0} ms, p99 {P(0.99):0.0} ms, max {latencies[^1]:0.0} ms");
    }

    [BenchmarkFact]
    public async Task Memory_20ClientsOn10BusyContainers()
    {
        var minutes = double.Parse(Environment.GetEnvironmentVariable("KOBO_BENCH_MINUTES") ?? "5", CultureInfo.InvariantCulture);
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add(await RunServiceAsync($"worker{i}", "i=0; while true; do for j in 0 1 2 3 4 5 6 7 8 9; do echo \"[2026-11-25 10:00:00,000: INFO/MainProcess] Task kpi.tasks.x[$i] succeeded in 0.01s\"; i=$((i+1)); done; usleep 95000; done"));
        }

        await using var console = await ConsoleProcess.StartAsync(Prefix);
        var received = 0L;
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(minutes));
        var clients = new List<Task>();
        var hubs = new List<HubConnection>();
        for (var c = 0; c < 20; c++)
        {
            var hub = await console.ConnectAsync(Timeout);
            hubs.Add(hub);
            clients.Add(Task.Run(async () =>
            {
                try
                {
                    await foreach (var batch in hub.StreamAsync<List<LogItem>>("StreamLogs", new LogStreamRequest { Containers = ids, Tail = 200 }, stop.Token))
                    {
                        Interlocked.Add(ref received, batch.Count);
                    }
                }
                catch (OperationCanceledException)
                {
                    // The run ended.
                }
            }));
        }

        var samples = await console.SampleRssUntilAsync(stop.Token);
        await Task.WhenAll(clients);
        foreach (var hub in hubs)
        {
            await hub.DisposeAsync();
        }

        var first = samples[1].RssMb;
        Report($"memory: 20 clients x 10 containers (~100 lines/s each), {minutes} min, {received} items received; RSS after 15 s {first} MB, " +
            $"max {samples.Max(s => s.RssMb)} MB, end {samples[^1].RssMb} MB, growth {samples[^1].RssMb - first} MB; samples (min:MB) " +
            string.Join(" ", samples.Select(s => $"{s.Minutes:0.0}:{s.RssMb}")));
    }

    private static async Task<(long Lines, double Seconds, int Gaps)> ReceiveUntilAsync(HubConnection hub, string id, string last)
    {
        long lines = 0;
        var gaps = 0;
        Stopwatch? clock = null;
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await foreach (var batch in hub.StreamAsync<List<LogItem>>("StreamLogs", new LogStreamRequest { Containers = [id], Tail = 0, Files = false }, stop.Token))
        {
            clock ??= Stopwatch.StartNew();
            lines += batch.Count(i => !i.IsMarker);
            gaps += batch.Count(i => i.Stream == LogItem.Gap);
            if (batch.Any(i => i.Text == last))
            {
                await stop.CancelAsync();
                break;
            }
        }

        return (lines, clock!.Elapsed.TotalSeconds, gaps);
    }

    private static async Task<(long Lines, double Seconds)> DockerLogsFollowAsync(string id, string last)
    {
        using var process = Process.Start(new ProcessStartInfo("docker", ["logs", "-f", "--tail", "0", id]) { RedirectStandardOutput = true })!;
        long lines = 0;
        Stopwatch? clock = null;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            clock ??= Stopwatch.StartNew();
            lines++;
            if (line == last)
            {
                break;
            }
        }

        var seconds = clock!.Elapsed.TotalSeconds;
        process.Kill();
        return (lines, seconds);
    }

    private void Report(string line)
    {
        output.WriteLine(line);
        File.AppendAllText("/tmp/kobo-logs-bench.txt", $"{DateTimeOffset.UtcNow:u} {line}\n");
    }
}
