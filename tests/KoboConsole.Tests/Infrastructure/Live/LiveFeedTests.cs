using KoboConsole.Web.Infrastructure.Live;
using Microsoft.Extensions.Time.Testing;

namespace KoboConsole.Tests.Infrastructure.Live;

public sealed class LiveFeedTests
{
    [Fact]
    public void ChangeFeed_AFollowerThrows_TheOthersAreToldAndTheErrorReported()
    {
        var errors = new List<Exception>();
        var feed = new ChangeFeed(errors.Add);
        var told = 0;
        using var a = feed.Subscribe(() => throw new InvalidOperationException("broken follower"));
        using var b = feed.Subscribe(() => told++);

        feed.Raise();

        Assert.Equal(1, told);
        Assert.Equal("broken follower", Assert.Single(errors).Message);
    }

    [Fact]
    public void ChangeFeed_HandleDisposedTwice_RemovesOnlyItsOwnFollower()
    {
        var feed = new ChangeFeed();
        var told = 0;
        var first = feed.Subscribe(() => told++);
        using var second = feed.Subscribe(() => told += 10);

        first.Dispose();
        first.Dispose();
        feed.Raise();

        Assert.Equal(10, told);
        Assert.Equal(1, feed.Count);
    }

    [Fact]
    public void TickFeed_TicksOnlyWhileFollowed()
    {
        var time = new FakeTimeProvider();
        var feed = new TickFeed(TimeSpan.FromSeconds(15), time);
        var ticks = 0;

        var handle = feed.Subscribe(() => ticks++);
        time.Advance(TimeSpan.FromSeconds(14));
        Assert.Equal(0, ticks);
        time.Advance(TimeSpan.FromSeconds(16)); // 30 s: two ticks
        Assert.Equal(2, ticks);

        handle.Dispose();
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(2, ticks);
    }

    [Fact]
    public void AnyFeed_TellsForEachAndLetsGoOfAll()
    {
        var a = new ChangeFeed();
        var b = new ChangeFeed();
        var told = 0;

        var handle = new AnyFeed(a, b).Subscribe(() => told++);
        a.Raise();
        b.Raise();
        handle.Dispose();

        Assert.Equal(2, told);
        Assert.Equal(0, a.Count + b.Count);
    }
}
