using KoboConsole.Web.Features.Logs;

namespace KoboConsole.Tests.Features.Logs;

/// <summary>The regex budget per stream (issue 21): a filter that costs more than its share of a second ends; a cheap one never does.</summary>
public sealed class LogFilterBudgetTests
{
    private static readonly string Backtracking = new string('a', 40) + "!";

    [Fact]
    public void Matches_CatastrophicRegexWithBudget_GoesOverBudgetAfterAFewLinesAndStopsMatching()
    {
        // 10 ms per second over the 5 s window: a burst of 50 ms, about one match timeout.
        var filter = LogFilter.Create("(a+)+$", null, regex: true, matchCase: false, budgetPerSecond: TimeSpan.FromMilliseconds(10));
        var lines = 0;
        while (!filter.OverBudget && lines < 100)
        {
            filter.Matches(Backtracking);
            lines++;
        }

        Assert.True(filter.OverBudget, "100 lines of 50 ms each stayed within 10 ms per second");
        Assert.InRange(lines, 1, 3);
        filter.TakeTimeouts();
        // Over its budget the regex is not run again: a backtracking line costs no further timeout.
        Assert.False(filter.Matches(Backtracking));
        Assert.False(filter.Matches("aaaa"));
        Assert.Equal(0, filter.TakeTimeouts());
    }

    [Fact]
    public void Matches_CheapRegexOnATenThousandLineTailTwice_StaysWithinTheDefaultBudget()
    {
        var budget = TimeSpan.FromMilliseconds(new LogsOptions().RegexBudgetMillisecondsPerSecond);
        var filter = LogFilter.Create("error|warn", null, regex: true, matchCase: false, budgetPerSecond: budget);

        for (var i = 0; i < 20_000; i++)
        {
            filter.Matches($"2026-12-07 line {i} INFO nothing to see here");
        }

        Assert.False(filter.OverBudget);
        Assert.True(filter.Matches("an ERROR"));
    }

    [Fact]
    public void Matches_NoBudget_NeverGoesOverBudget()
    {
        var filter = LogFilter.Create("(a+)+$", null, regex: true, matchCase: false);

        filter.Matches(Backtracking);
        filter.Matches(Backtracking);

        Assert.False(filter.OverBudget);
        Assert.Equal(2, filter.TakeTimeouts());
    }
}
