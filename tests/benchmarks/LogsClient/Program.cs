// The reader of tests/benchmarks/logs.sh. One process per measurement, so the console and
// `docker logs -f` are each read alone, by the same runtime, the same way:
//   LogsClient hub <console-url> <token> <container-id> <last-line>
//   LogsClient cli <container-id> <last-line>
//   LogsClient latency <console-url> <token> <container-id> <seconds>
// The container prints "waiting" until it is told to go: the reader prints "ready" at the first
// "waiting" it receives (so it surely follows), and counts from the first other line to the last.
// One result line at the end: lines, seconds from the first line to the last, lines/s, gap items,
// batches (hub) or reads, the longest pause between two, and for latency the percentiles.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

const string Waiting = "waiting";

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
return args switch
{
    ["hub", var url, var token, var id, var last] => await HubAsync(url, token, id, last, stop.Token),
    ["cli", var id, var last] => await CliAsync(id, last, stop.Token),
    ["latency", var url, var token, var id, var seconds] => await LatencyAsync(url, token, id, double.Parse(seconds, CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: LogsClient hub <url> <token> <id> <last> | cli <id> <last> | latency <url> <token> <id> <seconds>");
    return 2;
}

static async Task<HubConnection> ConnectAsync(string url, string token, CancellationToken cancellationToken)
{
    var hub = new HubConnectionBuilder()
        .WithUrl(new Uri(new Uri(url), "/hubs/logs"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
        .Build();
    await hub.StartAsync(cancellationToken);
    return hub;
}

static object Request(string id) => new { containers = new[] { id }, tail = 0, files = false };

static async Task<int> HubAsync(string url, string token, string id, string last, CancellationToken cancellationToken)
{
    await using var hub = await ConnectAsync(url, token, cancellationToken);
    var stream = hub.StreamAsync<JsonElement>("StreamLogs", Request(id), cancellationToken).GetAsyncEnumerator(cancellationToken);
    long lines = 0, gaps = 0, batches = 0;
    var ready = false;
    Stopwatch? clock = null;
    var lastAt = TimeSpan.Zero;
    var longest = TimeSpan.Zero;
    var done = false;
    while (!done && await stream.MoveNextAsync())
    {
        if (clock is not null)
        {
            var now = clock.Elapsed;
            longest = now - lastAt > longest ? now - lastAt : longest;
            lastAt = now;
            batches++;
        }

        foreach (var item in stream.Current.EnumerateArray())
        {
            var kind = item.GetProperty("stream").GetString();
            var text = item.GetProperty("text");
            if (kind == "gap")
            {
                gaps++;
            }
            else if (kind == "notice" || text.ValueEquals(Waiting))
            {
                // The container's "waiting" lines say the stream is attached.
                ready = ready || Ready();
            }
            else
            {
                if (clock is null)
                {
                    clock = Stopwatch.StartNew();
                    batches++;
                }

                lines++;
                done |= text.ValueEquals(last);
            }
        }
    }

    await stream.DisposeAsync();
    Report("hub", lines, clock!.Elapsed.TotalSeconds, gaps, batches, longest);
    return done ? 0 : 1;
}

static async Task<int> CliAsync(string id, string last, CancellationToken cancellationToken)
{
    using var process = Process.Start(new ProcessStartInfo("docker", ["logs", "-f", "--tail", "0", id]) { RedirectStandardOutput = true })!;
    long lines = 0;
    var ready = false;
    Stopwatch? clock = null;
    var lastAt = TimeSpan.Zero;
    var longest = TimeSpan.Zero;
    var done = false;
    while (!done && await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
    {
        if (line == Waiting)
        {
            ready = ready || Ready();
            continue;
        }

        clock ??= Stopwatch.StartNew();
        var now = clock.Elapsed;
        longest = now - lastAt > longest ? now - lastAt : longest;
        lastAt = now;
        lines++;
        done = line == last;
    }

    var seconds = clock!.Elapsed.TotalSeconds;
    process.Kill();
    Report("cli", lines, seconds, 0, lines, longest);
    return done ? 0 : 1;
}

static async Task<int> LatencyAsync(string url, string token, string id, double seconds)
{
    using var window = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
    await using var hub = await ConnectAsync(url, token, window.Token);
    var latencies = new List<double>();
    var ready = false;
    try
    {
        await foreach (var batch in hub.StreamAsync<JsonElement>("StreamLogs", Request(id), window.Token))
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var item in batch.EnumerateArray())
            {
                if (item.GetProperty("text").ValueEquals(Waiting))
                {
                    ready = ready || Ready();
                }
                else if (item.GetProperty("stream").GetString() is "stdout" or "stderr")
                {
                    latencies.Add((now - item.GetProperty("timestamp").GetDateTimeOffset()).TotalMilliseconds);
                }
            }
        }
    }
    catch (OperationCanceledException)
    {
        // The window ended.
    }

    latencies.Sort();
    double P(double q) => latencies[(int)Math.Min(latencies.Count - 1, q * latencies.Count)];
    Console.WriteLine($"latency lines={latencies.Count} p50_ms={P(0.5):0.0} p95_ms={P(0.95):0.0} p99_ms={P(0.99):0.0} max_ms={latencies[^1]:0.0}");
    return 0;
}

static bool Ready()
{
    Console.WriteLine("ready");
    return true;
}

static void Report(string reader, long lines, double seconds, long gaps, long batches, TimeSpan longest) =>
    Console.WriteLine($"{reader} lines={lines} seconds={seconds:0.000} lines_per_s={lines / seconds:0} gaps={gaps} batches={batches} longest_pause_ms={longest.TotalMilliseconds:0}");
