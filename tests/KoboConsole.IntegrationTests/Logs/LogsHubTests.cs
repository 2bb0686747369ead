using KoboConsole.IntegrationTests.Docker;
using KoboConsole.Web.Features.Logs;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace KoboConsole.IntegrationTests.Logs;

public sealed class LogsHubTests(DockerFixture fixture) : LogsTestBase(fixture)
{
    [Fact]
    public async Task StreamLogs_TwoContainers_HistoryMergedByTimestamp()
    {
        // Both wait for the same wall-clock second, so their lines interleave however slowly they start.
        var at = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 4;
        var wait = $"while [ $(date +%s) -lt {at} ]; do sleep 0.05; done";
        var a = await RunServiceAsync("kpi", wait + "; for i in 1 2 3 4; do echo a$i; sleep 0.4; done; sleep 3600");
        var b = await RunServiceAsync("worker", wait + "; sleep 0.2; for i in 1 2 3 4; do echo b$i; sleep 0.4; done; sleep 3600");
        while (DateTimeOffset.UtcNow.ToUnixTimeSeconds() < at + 2)
        {
            await Task.Delay(100, Timeout);
        }

        await using var app = NewApp();
        await using var hub = await ConnectAsync(app, Timeout);

        var items = await CollectAsync(hub, new LogStreamRequest { Containers = [a, $"{Prefix}-kobofe-worker-1"], Follow = false }, _ => false, Timeout);

        var lines = Lines(items);
        Assert.Equal(["a1", "b1", "a2", "b2", "a3", "b3", "a4", "b4"], lines.Select(l => l.Text));
        Assert.Equal(lines.OrderBy(l => l.Timestamp).Select(l => l.Text), lines.Select(l => l.Text));
        Assert.Equal(b, lines[1].Container);
        Assert.Equal($"{Prefix}-kobofe-kpi-1", lines[0].ContainerName);
    }

    [Fact]
    public async Task StreamLogs_StdoutAndStderr_FlagsEachLineAndDetectsLevels()
    {
        var id = await RunServiceAsync("kpi", "echo 'INFO all good'; echo '[2026-11-25 10:00:00,000: ERROR/MainProcess] boom' >&2; sleep 3600");
        await Task.Delay(800, Timeout);
        await using var app = NewApp();
        await using var hub = await ConnectAsync(app, Timeout);

        var lines = Lines(await CollectAsync(hub, new LogStreamRequest { Containers = [id], Follow = false }, _ => false, Timeout));

        Assert.Equal(("stdout", "info"), (lines.Single(l => l.Text == "INFO all good").Stream, lines.Single(l => l.Text == "INFO all good").Level));
        var err = lines.Single(l => l.Text.EndsWith("boom", StringComparison.Ordinal));
        Assert.Equal(("stderr", "error"), (err.Stream, err.Level));
    }

    [Fact]
    public async Task StreamLogs_TtyContainerFollowedWithPartialWrites_DeliversWholeLines()
    {
        var id = await RunServiceAsync("beat", "sleep 2; printf 'hel'; sleep 0.5; printf 'lo\\nwor'; sleep 0.5; echo ld; sleep 3600", tty: true);
        await using var app = NewApp();
        await using var hub = await ConnectAsync(app, Timeout);

        // Tail covers a console that attaches after the writes (a loaded CI machine takes over 2 s to
        // start the app): Docker's log holds the same partial chunks ("hel", "lo\r\nwor", "ld\r\n"),
        // so the lines must be assembled whether they come from the tail or live.
        var items = await CollectAsync(hub, new LogStreamRequest { Containers = [id], Tail = 100 }, i => Lines(i).Count >= 2, Timeout);

        Assert.Equal(["hello", "world"], Lines(items).Select(l => l.Text));
        Assert.All(Lines(items), l => Assert.Equal("stdout", l.Stream));
    }

    [Fact]
    public async Task StreamLogs_ContainerRestarts_ReattachesWithMarkerAndNoDuplicates()
    {
        // Each start prints a new run number then ticks; the count survives restarts in a file.
        var id = await RunServiceAsync("worker", "n=$(cat /tmp/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /tmp/n; trap 'exit 0' TERM; i=0; while true; do echo run$n-$i; i=$((i+1)); sleep 0.1; done");
        await using var app = NewApp();
        await using var hub = await ConnectAsync(app, Timeout);
        var restart = Task.Run(async () =>
        {
            await Task.Delay(1500, Timeout);
            await Engine.RestartContainerAsync(id, TimeSpan.FromSeconds(5), Timeout);
        });

        var items = await CollectAsync(hub, new LogStreamRequest { Containers = [id], Tail = 5 }, i => i.Any(l => l.Text == "run2-10"), Timeout);
        await restart;

        var texts = Lines(items).Select(l => l.Text).ToList();
        Assert.Equal(texts.Count, texts.Distinct().Count());
        var marker = items.FindIndex(i => i.Stream == LogItem.Notice && i.Text == "container restarted");
        Assert.True(marker > 0, "no 'container restarted' marker");
        Assert.DoesNotContain(items.Skip(marker), i => i.Text.StartsWith("run1-", StringComparison.Ordinal));
        Assert.StartsWith("run2-0", items.Skip(marker + 1).First(i => !i.IsMarker).Text, StringComparison.Ordinal);
        var run1 = texts.Where(t => t.StartsWith("run1-", StringComparison.Ordinal)).Select(t => int.Parse(t[5..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(run1[0], run1.Count), run1);
    }

    [Fact]
    public async Task StreamLogs_LastViewerLeaves_ReaderStops()
    {
        var id = await RunServiceAsync("kpi", "while true; do echo tick; sleep 0.1; done");
        await using var app = NewApp();
        var pump = (LogPump)app.Services.GetService(typeof(LogPump))!;
        await using var first = await ConnectAsync(app, Timeout);
        await using var second = await ConnectAsync(app, Timeout);
        using var cancelFirst = new CancellationTokenSource();
        var firstStream = CollectAsync(first, new LogStreamRequest { Containers = [id], Tail = 0 }, _ => false, cancelFirst.Token);

        await CollectAsync(second, new LogStreamRequest { Containers = [id], Tail = 0 }, i => Lines(i).Count >= 3, Timeout);
        Assert.Single(pump.ActiveSources);
        await cancelFirst.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => firstStream);

        await WaitForAsync(() => pump.ActiveSources.Count == 0);
    }

    [Fact]
    public async Task StreamLogs_FilterExcludeAndRegex_AppliedOnServer()
    {
        var id = await RunServiceAsync("kpi", "for i in 1 2 3 4 5 6; do echo \"GET /api/v2/assets/$i 200\"; echo \"POST /login 30$i\"; done; echo 'get /API/lower'; sleep 3600");
        await Task.Delay(800, Timeout);
        await using var app = NewApp();
        await using var hub = await ConnectAsync(app, Timeout);

        var text = Lines(await CollectAsync(hub, new LogStreamRequest { Containers = [id], Follow = false, Filter = "/api/", Exclude = "assets/3" }, _ => false, Timeout));
        var regex = Lines(await CollectAsync(hub, new LogStreamRequest { Containers = [id], Follow = false, Filter = @"^POST /login 30[1-2]$", Regex = true }, _ => false, Timeout));
        var matchCase = Lines(await CollectAsync(hub, new LogStreamRequest { Containers = [id], Follow = false, Filter = "/api/", MatchCase = true }, _ => false, Timeout));

        Assert.Equal(["GET /api/v2/assets/1 200", "GET /api/v2/assets/2 200", "GET /api/v2/assets/4 200", "GET /api/v2/assets/5 200", "GET /api/v2/assets/6 200", "get /API/lower"], text.Select(l => l.Text));
        Assert.Equal(["POST /login 301", "POST /login 302"], regex.Select(l => l.Text));
        Assert.Equal(6, matchCase.Count);
        Assert.DoesNotContain(matchCase, l => l.Text == "get /API/lower");
    }

    [Fact]
    public async Task StreamLogs_InvalidRegex_SendsNoticeAndKeepsStreaming()
    {
        var id = await RunServiceAsync("kpi", "while true; do echo 'value (a+ here'; sleep 0.1; done");
        await using var app = NewApp();
        await using var hub = await ConnectAsync(app, Timeout);

        var items = await CollectAsync(hub, new LogStreamRequest { Containers = [id], Tail = 0, Filter = "(a+", Regex = true }, i => Lines(i).Count >= 3, Timeout);

        Assert.Contains("not a valid regular expression", items[0].Text, StringComparison.Ordinal);
        Assert.Equal(LogItem.Notice, items[0].Stream);
        Assert.All(Lines(items), l => Assert.Equal("value (a+ here", l.Text));
    }

    [Fact]
    public async Task StreamLogs_CatastrophicRegex_TimesOutWithNoticeAndOtherLinesStillMatch()
    {
        var evil = new string('a', 60) + "!";
        var id = await RunServiceAsync("kpi", $"sleep 5; echo '{evil}'; echo 'aaa'; sleep 1; echo 'aaaa'; sleep 3600");
        await using var app = NewApp();
        await using var hub = await ConnectAsync(app, Timeout);

        var items = await CollectAsync(hub, new LogStreamRequest { Containers = [id], Tail = 0, Filter = @"^(a|aa|a)+$", Regex = true }, i => i.Any(l => l.Text == "aaaa"), Timeout);

        Assert.Contains(items, i => i.Stream == LogItem.Notice && i.Text.Contains("took longer than", StringComparison.Ordinal));
        Assert.Equal(["aaa", "aaaa"], Lines(items).Select(l => l.Text));
    }

    [Fact]
    public async Task StreamLogs_TailOverMaximum_ClampedWithNotice()
    {
        var id = await RunServiceAsync("kpi", "echo one; sleep 3600");
        await Task.Delay(500, Timeout);
        await using var app = NewApp();
        await using var hub = await ConnectAsync(app, Timeout);

        var items = await CollectAsync(hub, new LogStreamRequest { Containers = [id], Tail = 50_000, Follow = false }, _ => false, Timeout);

        Assert.Contains("last 10000 lines", items[0].Text, StringComparison.Ordinal);
        Assert.Equal(["one"], Lines(items).Select(l => l.Text));
    }

    [Fact]
    public async Task StreamLogs_UnknownContainer_ClearError()
    {
        await using var app = NewApp();
        await using var hub = await ConnectAsync(app, Timeout);

        var error = await Assert.ThrowsAsync<HubException>(() => CollectAsync(hub, new LogStreamRequest { Containers = ["no-such-thing"] }, _ => false, Timeout));

        Assert.Contains("No kobo container 'no-such-thing'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hub_WithoutLogin_Refused()
    {
        await using var app = NewApp();
        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(app.ServerAddress!, "/hubs/logs")).Build();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => hub.StartAsync(Timeout));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, error.StatusCode);
    }

    private async Task WaitForAsync(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(50, Timeout);
        }
    }
}
