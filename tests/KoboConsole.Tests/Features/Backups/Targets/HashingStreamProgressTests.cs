using KoboConsole.Web.Features.Backups;

namespace KoboConsole.Tests.Features.Backups.Targets;

/// <summary>Progress reports run beside the stream: a slow report never holds a write up.</summary>
public sealed class HashingStreamProgressTests
{
    private static readonly byte[] Chunk = new byte[4096];

    [Fact]
    public async Task WriteAsync_ReportStillRunning_WritesGoOnAndFlushWaitsForIt()
    {
        var started = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reports = 0;
        using var sink = new MemoryStream();
        await using var hashing = new HashingStream(sink, async (bytes, _) =>
        {
            Interlocked.Increment(ref reports);
            started.TrySetResult(bytes);
            await release.Task;
        }, TimeSpan.Zero);
        // Released whatever happens: an assertion failing while the report waits would otherwise
        // leave DisposeAsync waiting for it forever, and the test would hang instead of failing.
        try
        {
            // The first write starts a report (on the thread pool) that does not end until released.
            var first = hashing.WriteAsync(Chunk).AsTask();
            Assert.True(await Task.WhenAny(first, Task.Delay(TimeSpan.FromSeconds(10))) == first, "the first write waited for its own progress report");
            Assert.Equal(Chunk.Length, await started.Task.WaitAsync(TimeSpan.FromSeconds(30)));

            // 99 more writes go on while it runs, and start no second report.
            for (var i = 1; i < 100; i++)
            {
                var write = hashing.WriteAsync(Chunk).AsTask();
                Assert.True(await Task.WhenAny(write, Task.Delay(TimeSpan.FromSeconds(10))) == write, $"write {i} waited for the progress report");
            }

            Assert.Equal(100 * Chunk.Length, sink.Length);
            Assert.Equal(1, Volatile.Read(ref reports));

            var flush = hashing.FlushAsync(CancellationToken.None);
            await Task.Delay(100);
            Assert.False(flush.IsCompleted, "FlushAsync returned while a report was still running: a late report could follow the item's final state");
            release.SetResult();
            await flush.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task WriteAsync_ReportFailed_NextReportingWriteThrowsIt()
    {
        using var sink = new MemoryStream();
        await using var hashing = new HashingStream(sink, (_, _) => Task.FromException(new InvalidOperationException("database gone")), TimeSpan.Zero);

        await hashing.WriteAsync(Chunk);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            for (var i = 0; i < 1000; i++)
            {
                await hashing.WriteAsync(Chunk);
                await Task.Delay(1);
            }
        });

        Assert.Equal("database gone", error.Message);
    }
}
