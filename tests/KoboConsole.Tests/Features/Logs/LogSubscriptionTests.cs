using KoboConsole.Web.Features.Logs;

namespace KoboConsole.Tests.Features.Logs;

public sealed class LogSubscriptionTests
{
    private static readonly LogSourceKey Source = new("local", "c1", "kobofe-kpi-1");

    [Fact]
    public async Task ReadBatchAsync_BufferOverflowed_StartsWithGapAndKeepsNewest()
    {
        using var subscription = new LogSubscription([Source], 100, _ => { });
        for (var i = 0; i < 250; i++)
        {
            subscription.Publish(Item(i));
        }

        var batch = await subscription.ReadBatchAsync(1000, CancellationToken.None);

        Assert.Equal(LogItem.Gap, batch[0].Stream);
        Assert.StartsWith("150 lines skipped", batch[0].Text, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(150, 100).Select(i => $"line {i}"), batch.Skip(1).Select(b => b.Text));
        Assert.Equal(150, subscription.TotalDropped);
    }

    [Fact]
    public async Task ReadBatchAsync_Interleaved_SortsByTimestamp()
    {
        using var subscription = new LogSubscription([Source], 100, _ => { });
        subscription.Publish(Item(2));
        subscription.Publish(Item(1));

        var batch = await subscription.ReadBatchAsync(10, CancellationToken.None);

        Assert.Equal(["line 1", "line 2"], batch.Select(b => b.Text));
    }

    [Fact]
    public void Dispose_Twice_LeavesOnce()
    {
        var left = 0;
        var subscription = new LogSubscription([Source], 100, _ => left++);

        subscription.Dispose();
        subscription.Dispose();

        Assert.Equal(1, left);
    }

    private static LogItem Item(int i) => new("c1", "kobofe-kpi-1", DateTimeOffset.UnixEpoch.AddSeconds(i), "stdout", $"line {i}", null);
}
