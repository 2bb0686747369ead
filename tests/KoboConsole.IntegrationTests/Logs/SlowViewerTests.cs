using System.Globalization;
using System.Text.Json;
using KoboConsole.IntegrationTests.Docker;
using KoboConsole.Web.Features.Logs;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace KoboConsole.IntegrationTests.Logs;

/// <summary>
/// A real client that stops reading its WebSocket while a container floods: the server's buffer
/// for it stays bounded, a second viewer keeps receiving everything, and the slow one, when it
/// reads again, gets a <c>gap</c> item whose count accounts for every line it did not get.
/// </summary>
public sealed class SlowViewerTests(DockerFixture fixture, ITestOutputHelper output) : LogsTestBase(fixture)
{
    private const int Count = 200_000;
    private const int Capacity = 20_000;

    [Fact]
    public async Task StreamLogs_RawWebSocketClientStopsReading_BufferBoundedOthersReceiveAndGapCountsSkipped()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var ct = timeout.Token;
        // Bursts of 1 000 lines every 0.1 s (≤ 10 000 lines/s: the fast viewer keeps up on a busy machine), once /tmp/go
        // exists; about 25 s of flood, longer than SignalR's default 10 s send timeout (the hub allows 60 s).
        var id = await RunServiceAsync("kpi",
            $"while [ ! -f /tmp/go ]; do sleep 0.1; done; i=0; while [ $i -lt {Count} ]; do seq $i $((i+999)); i=$((i+1000)); sleep 0.1; done; echo done; sleep 3600");
        await using var app = NewApp(new() { ["KoboConsole:Logs:ViewerBuffer"] = Capacity.ToString(CultureInfo.InvariantCulture) });
        var pump = app.Services.GetRequiredService<LogPump>();
        var token = await TokenAsync(app, ct);
        var request = new LogStreamRequest { Containers = [id], Tail = 0, Files = false };

        await using var slow = await RawHubClient.ConnectAsync(app.ServerAddress!, "/hubs/logs", token, ct);
        await slow.StartStreamAsync("1", "StreamLogs", request, ct);
        await using var fastHub = await ConnectAsync(app, ct);
        var fast = new FastViewer();
        var fastTask = fast.ReadAsync(fastHub, request, ct);
        await WaitForAsync(() => pump.Viewers.Count == 2);
        await Engine.ExecAsync(id, ["touch", "/tmp/go"], ct);

        // While the slow client reads nothing, the fast one must see every line arrive.
        var maxBuffered = 0;
        var minViewers = 2;
        while (!fastTask.IsCompleted)
        {
            minViewers = Math.Min(minViewers, pump.Viewers.Count);
            maxBuffered = Math.Max(maxBuffered, pump.Viewers.Max(v => v.Buffered));
            await Task.Delay(50, ct);
        }

        await fastTask;
        var droppedWhileStalled = pump.Viewers.Max(v => v.TotalDropped);
        Assert.Equal((Count, 0L), (fast.Lines, fast.Skipped));
        Assert.InRange(maxBuffered, 1, Capacity);
        Assert.True(droppedWhileStalled > 0, $"the stalled client's buffer never overflowed: back-pressure did not reach it (viewers {minViewers}, max buffered {maxBuffered}, heap {GC.GetTotalMemory(true) >> 20} MB)");

        // The slow client reads again: a gap item first, then the newest lines, and every line is accounted for.
        var (received, skipped, gaps) = await ReadSlowUntilDoneAsync(slow, ct);
        output.WriteLine($"slow client: {received.Count} lines received, {skipped} skipped in {gaps} gap items; its buffer peaked at {maxBuffered} of {Capacity}");
        Assert.True(gaps > 0, "no gap item");
        Assert.Equal(Count, received.Count + skipped);
        Assert.Equal(received.Order(), received);
        Assert.Equal(Count - 1, received[^1]);
        // What was held for it anywhere (our buffer, SignalR's pipe, the sockets) is what it received after the gap.
        Assert.True(received.Count < Count / 2, $"the slow client received {received.Count} of {Count} lines: something buffered without bound");
    }

    private static async Task<(List<int> Received, long Skipped, int Gaps)> ReadSlowUntilDoneAsync(RawHubClient slow, CancellationToken ct)
    {
        var received = new List<int>();
        long skipped = 0;
        var gaps = 0;
        while (true)
        {
            var message = await slow.ReceiveMessageAsync(ct);
            Assert.Equal(2, message.GetProperty("type").GetInt32());
            foreach (var item in message.GetProperty("item").EnumerateArray())
            {
                var text = item.GetProperty("text").GetString()!;
                switch (item.GetProperty("stream").GetString())
                {
                    case LogItem.Gap:
                        gaps++;
                        Assert.Contains("lines skipped", text, StringComparison.Ordinal);
                        skipped += long.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
                        break;
                    case "stdout" when text == "done":
                        return (received, skipped, gaps);
                    case "stdout":
                        received.Add(int.Parse(text, CultureInfo.InvariantCulture));
                        break;
                }
            }
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), "condition not met within 10 s");
    }

    /// <summary>Counts lines and checks their order without keeping them (the test's own memory stays flat).</summary>
    private sealed class FastViewer
    {
        public int Lines { get; private set; }

        public long Skipped { get; private set; }

        public async Task ReadAsync(HubConnection hub, LogStreamRequest request, CancellationToken ct)
        {
            await foreach (var batch in hub.StreamAsync<List<JsonElement>>("StreamLogs", request, ct))
            {
                foreach (var item in batch)
                {
                    var text = item.GetProperty("text").GetString();
                    if (item.GetProperty("stream").GetString() == LogItem.Gap)
                    {
                        Skipped += long.Parse(text!.Split(' ')[0], CultureInfo.InvariantCulture);
                    }
                    else if (text == "done")
                    {
                        return;
                    }
                    else
                    {
                        Assert.Equal(Lines + Skipped, int.Parse(text!, CultureInfo.InvariantCulture));
                        Lines++;
                    }
                }
            }
        }
    }
}
