using KoboConsole.Web.Features.Logs;

namespace KoboConsole.Tests.Features.Logs;

public sealed class LogFilterTests
{
    [Fact]
    public void Matches_TextIncludeAndExclude_IgnoresCaseByDefault()
    {
        var filter = LogFilter.Create("/API/", "assets/3", regex: false, matchCase: false);

        Assert.True(filter.Matches("GET /api/v2/assets/1"));
        Assert.False(filter.Matches("GET /api/v2/assets/3"));
        Assert.False(filter.Matches("POST /login"));
    }

    [Fact]
    public void Matches_MatchCase_RespectsCase()
    {
        var filter = LogFilter.Create("/api/", null, regex: false, matchCase: true);

        Assert.False(filter.Matches("GET /API/x"));
        Assert.True(filter.Matches("GET /api/x"));
    }

    [Fact]
    public void Create_InvalidRegex_ExplainsAndFallsBackToText()
    {
        var filter = LogFilter.Create("(a+", null, regex: true, matchCase: false);

        Assert.Contains("not a valid regular expression", filter.Problem, StringComparison.Ordinal);
        Assert.True(filter.Matches("x (a+ y"));
    }

    [Fact]
    public void Matches_CatastrophicRegex_TimesOutAndCountsIt()
    {
        var filter = LogFilter.Create(LogsSamples.EvilPattern, null, regex: true, matchCase: false);

        Assert.False(filter.Matches(LogsSamples.EvilLine));
        Assert.True(filter.Matches("aaaa"));
        Assert.Equal(1, filter.TakeTimeouts());
        Assert.Equal(0, filter.TakeTimeouts());
        Assert.True(filter.TimedOut);
    }

    [Fact]
    public void Matches_StopAtFirstTimeout_LeavesOutEveryLaterLineWithoutMatching()
    {
        var filter = LogFilter.Create(LogsSamples.EvilPattern, null, regex: true, matchCase: false);
        filter.StopAtFirstTimeout();

        Assert.True(filter.Matches("aaaa"));
        Assert.False(filter.TimedOut);
        Assert.False(filter.Matches(LogsSamples.EvilLine));
        Assert.False(filter.Matches("aaaa"));
        Assert.False(filter.Matches(LogsSamples.EvilLine));
        Assert.Equal(1, filter.TakeTimeouts());
    }
}

internal static class LogsSamples
{
    /// <summary>Exponential backtracking that .NET's optimiser cannot remove (overlapping alternation).</summary>
    public const string EvilPattern = @"^(a|aa|a)+$";

    public static readonly string EvilLine = new string('a', 60) + "!";
}
