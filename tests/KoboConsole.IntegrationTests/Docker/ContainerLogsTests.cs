using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.IntegrationTests.Docker;

public sealed class ContainerLogsTests(DockerFixture fixture) : DockerTestBase(fixture)
{
    [Fact]
    public async Task ReadLogsAsync_PartialWritesAndSeveralLinesPerWrite_YieldsWholeLines()
    {
        var id = await RunAsync(["sh", "-c", "printf 'one\\ntwo\\nthr'; sleep 1; printf 'ee\\nfour'; sleep 1; printf '\\n'; printf 'oops\\n' >&2"]);
        await WaitUntilExitedAsync(id);

        var lines = await ReadAllAsync(id, new LogQuery());

        Assert.Equal(["one", "two", "three", "four"], lines.Where(l => l.Stream == LogSource.Stdout).Select(l => l.Text));
        Assert.Equal(["oops"], lines.Where(l => l.Stream == LogSource.Stderr).Select(l => l.Text));
    }

    [Fact]
    public async Task ReadLogsAsync_WithTimestamps_ParsesThemAndStripsThemFromText()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        var id = await RunAsync(["sh", "-c", "echo hello; echo world"]);
        await WaitUntilExitedAsync(id);

        var lines = await ReadAllAsync(id, new LogQuery { Timestamps = true });

        Assert.Equal(["hello", "world"], lines.Select(l => l.Text));
        Assert.All(lines, l => Assert.InRange(l.Timestamp!.Value, before, DateTimeOffset.UtcNow.AddSeconds(5)));
        Assert.True(lines[0].Timestamp <= lines[1].Timestamp);
    }

    [Fact]
    public async Task ReadLogsAsync_TtyContainer_YieldsPlainLinesFromOneStream()
    {
        var id = await RunAsync(["sh", "-c", "echo alpha; echo beta >&2; printf gam; sleep 1; echo ma"], tty: true);
        await WaitUntilExitedAsync(id);

        var lines = await ReadAllAsync(id, new LogQuery());

        Assert.Equal(["alpha", "beta", "gamma"], lines.Select(l => l.Text));
        Assert.All(lines, l => Assert.Equal(LogSource.Tty, l.Stream));
    }

    [Fact]
    public async Task ReadLogsAsync_Follow_YieldsLinesAsTheyAreWritten()
    {
        var id = await RunAsync(["sh", "-c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done"]);
        var seen = new List<string>();

        await foreach (var line in Engine.ReadLogsAsync(id, new LogQuery { Follow = true, Tail = 0 }, Timeout))
        {
            seen.Add(line.Text);
            if (seen.Count == 5)
            {
                break;
            }
        }

        var numbers = seen.Select(s => int.Parse(s["tick ".Length..], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(Enumerable.Range(numbers[0], 5), numbers);
    }

    [Fact]
    public async Task ReadLogsAsync_FollowCancelledWhileQuiet_StopsPromptly()
    {
        var id = await RunIdleAsync();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Timeout);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(500));

        var reading = Task.Run(async () =>
        {
            await foreach (var _ in Engine.ReadLogsAsync(id, new LogQuery { Follow = true }, cancel.Token))
            {
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task ReadLogsAsync_Since_SkipsOlderLines()
    {
        var id = await RunAsync(["sh", "-c", "echo old; sleep 2; echo new"]);
        await WaitUntilExitedAsync(id);
        var all = await ReadAllAsync(id, new LogQuery());

        var recent = await ReadAllAsync(id, new LogQuery { Since = all[1].Timestamp!.Value.AddMilliseconds(-500) });

        Assert.Equal(["new"], recent.Select(l => l.Text));
    }

    [Fact]
    public async Task ReadLogsAsync_Tail_ReturnsLastLines()
    {
        var id = await RunAsync(["sh", "-c", "for i in 1 2 3 4 5; do echo line $i; done"]);
        await WaitUntilExitedAsync(id);

        var lines = await ReadAllAsync(id, new LogQuery { Tail = 2 });

        Assert.Equal(["line 4", "line 5"], lines.Select(l => l.Text));
    }

    [Fact]
    public async Task ReadLogsAsync_LineLongerThan16KiB_IsCutWithMarker()
    {
        var id = await RunAsync(["sh", "-c", "head -c 40000 /dev/zero | tr '\\0' x; echo; echo after"]);
        await WaitUntilExitedAsync(id);

        var lines = await ReadAllAsync(id, new LogQuery { Timestamps = false });

        Assert.Equal(2, lines.Count);
        Assert.EndsWith(LogLineAssembler.CutMarker, lines[0].Text, StringComparison.Ordinal);
        Assert.Equal(new string('x', LogLineAssembler.MaxLineBytes), lines[0].Text[..^LogLineAssembler.CutMarker.Length]);
        Assert.Equal("after", lines[1].Text);
    }

    [Fact]
    public async Task ReadLogsAsync_ContainerGone_ThrowsContainerNotFound()
    {
        await Assert.ThrowsAsync<ContainerNotFoundException>(() => ReadAllAsync("kc-da-no-such-container", new LogQuery()));
    }

    private async Task<List<LogLine>> ReadAllAsync(string id, LogQuery query)
    {
        var lines = new List<LogLine>();
        await foreach (var line in Engine.ReadLogsAsync(id, query, Timeout))
        {
            lines.Add(line);
        }

        return lines;
    }
}
