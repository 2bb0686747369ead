using KoboConsole.Web.Features.Logs;
using Microsoft.Extensions.Options;

namespace KoboConsole.Tests.Features.Logs;

public sealed class LogStreamLimitsTests
{
    [Fact]
    public void TryAcquire_PastTheUserLimit_IsRefusedNamingTheSettingUntilOneEnds()
    {
        var limits = Limits(perUser: 2, total: 10);
        var first = limits.TryAcquire("7", out _);
        using var second = limits.TryAcquire("7", out _);

        Assert.Null(limits.TryAcquire("7", out var refusal));
        Assert.Contains("KoboConsole:Logs:MaxStreamsPerUser", refusal, StringComparison.Ordinal);
        using var otherUser = limits.TryAcquire("8", out _);
        Assert.NotNull(otherUser);
        first!.Dispose();
        first.Dispose();
        using var again = limits.TryAcquire("7", out _);
        Assert.NotNull(again);
        Assert.Equal(3, limits.Open);
    }

    [Fact]
    public void TryAcquire_PastTheConsoleLimit_IsRefusedNamingTheSetting()
    {
        var limits = Limits(perUser: 4, total: 2);
        using var a = limits.TryAcquire("1", out _);
        using var b = limits.TryAcquire("2", out _);

        Assert.Null(limits.TryAcquire("3", out var refusal));
        Assert.Contains("KoboConsole:Logs:MaxStreams)", refusal, StringComparison.Ordinal);
    }

    private static LogStreamLimits Limits(int perUser, int total)
    {
        var options = new LogsOptions { MaxStreamsPerUser = perUser, MaxStreams = total };
        return new LogStreamLimits(new StaticMonitor(options));
    }

    private sealed class StaticMonitor(LogsOptions value) : IOptionsMonitor<LogsOptions>
    {
        public LogsOptions CurrentValue => value;

        public LogsOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<LogsOptions, string?> listener) => null;
    }
}
