using System.Diagnostics;
using System.Text.RegularExpressions;

namespace KoboConsole.Web.Features.Logs;

/// <summary>
/// Include/exclude matching of log text, as plain text or a regex with a match timeout. A bad
/// pattern never stops a stream: <see cref="Create"/> reports it in <see cref="Problem"/> and falls
/// back to plain text; lines on which the regex times out are left out and counted.
/// A regex filter with a budget keeps the cost of one stream bounded: the time spent matching
/// may average at most the budget per second over <see cref="BudgetWindow"/> (a token bucket
/// that starts full); past it <see cref="OverBudget"/> turns true and no line is matched again.
/// </summary>
public sealed class LogFilter
{
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(50);

    /// <summary>The window over which the regex budget is averaged: also the burst a stream may spend at once.</summary>
    public static readonly TimeSpan BudgetWindow = TimeSpan.FromSeconds(5);

    private readonly Func<string, bool>? _include;
    private readonly Func<string, bool>? _exclude;
    private readonly long _budgetPerSecond;
    private long _budgetLeft;
    private long _budgetAt;
    private int _timeouts;
    private int _timedOut;
    private int _overBudget;
    private bool _stopAtFirstTimeout;

    private LogFilter(Func<string, bool>? include, Func<string, bool>? exclude, string? problem, bool regex, TimeSpan? budgetPerSecond)
    {
        _include = include;
        _exclude = exclude;
        Problem = problem;
        if (regex && budgetPerSecond is { } budget && !IsEmpty)
        {
            _budgetPerSecond = (long)(budget.TotalSeconds * Stopwatch.Frequency);
            _budgetLeft = (long)(_budgetPerSecond * BudgetWindow.TotalSeconds);
            _budgetAt = Stopwatch.GetTimestamp();
        }
    }

    public static LogFilter None { get; } = new(null, null, null, false, null);

    /// <summary>Why the pattern is not used as given (invalid regex), for a notice; null when fine.</summary>
    public string? Problem { get; }

    public bool IsEmpty => _include is null && _exclude is null;

    /// <param name="budgetPerSecond">Regex time allowed per second of the stream (averaged); null: unbounded.</param>
    public static LogFilter Create(string? filter, string? exclude, bool regex, bool matchCase, TimeSpan? budgetPerSecond = null)
    {
        var problems = new List<string>();
        var include = Build(filter, "filter", regex, matchCase, problems);
        var excluded = Build(exclude, "exclude", regex, matchCase, problems);
        return new LogFilter(include, excluded, problems.Count == 0 ? null : string.Join(" ", problems), regex, budgetPerSecond);
    }

    /// <summary>The regex used more than its budget: the caller ends the stream (every line is left out from then on).</summary>
    public bool OverBudget => Volatile.Read(ref _overBudget) != 0;

    /// <summary>The budget this filter was given, in milliseconds per second (0: none).</summary>
    public double BudgetMillisecondsPerSecond => _budgetPerSecond * 1000.0 / Stopwatch.Frequency;

    /// <summary>Whether the regex ever timed out on a line.</summary>
    public bool TimedOut => Volatile.Read(ref _timedOut) != 0;

    /// <summary>
    /// For one-shot reads (the REST tail) that answer 400 on a timeout: after the first timeout,
    /// every line is left out at once instead of costing another full timeout each.
    /// </summary>
    public void StopAtFirstTimeout() => _stopAtFirstTimeout = true;

    /// <summary>Regex timeouts since the last call (the caller reports them as a notice).</summary>
    public int TakeTimeouts() => Interlocked.Exchange(ref _timeouts, 0);

    public bool Matches(string text)
    {
        if ((_stopAtFirstTimeout && TimedOut) || OverBudget)
        {
            return false;
        }

        var started = _budgetPerSecond > 0 ? Stopwatch.GetTimestamp() : 0;
        try
        {
            return (_include is null || _include(text)) && (_exclude is null || !_exclude(text));
        }
        catch (RegexMatchTimeoutException)
        {
            Interlocked.Increment(ref _timeouts);
            Volatile.Write(ref _timedOut, 1);
            return false;
        }
        finally
        {
            if (_budgetPerSecond > 0)
            {
                Spend(started, Stopwatch.GetTimestamp());
            }
        }
    }

    // A token bucket in Stopwatch ticks: refilled at the budget rate up to one window's worth, drained by matching time.
    private void Spend(long started, long now)
    {
        var capacity = (long)(_budgetPerSecond * BudgetWindow.TotalSeconds);
        var refill = (long)((double)(started - _budgetAt) / Stopwatch.Frequency * _budgetPerSecond);
        _budgetLeft = Math.Min(capacity, _budgetLeft + Math.Max(refill, 0)) - (now - started);
        _budgetAt = started;
        if (_budgetLeft < 0)
        {
            Volatile.Write(ref _overBudget, 1);
        }
    }

    private static Func<string, bool>? Build(string? pattern, string field, bool regex, bool matchCase, List<string> problems)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            return null;
        }

        var comparison = matchCase ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        if (!regex)
        {
            return text => text.Contains(pattern, comparison);
        }

        try
        {
            var options = RegexOptions.CultureInvariant | (matchCase ? RegexOptions.None : RegexOptions.IgnoreCase);
            var compiled = new Regex(pattern, options, MatchTimeout);
            return compiled.IsMatch;
        }
        catch (ArgumentException ex)
        {
            problems.Add($"The {field} is not a valid regular expression ({ex.Message}); it is matched as plain text instead. Fix the pattern or turn regex off.");
            return text => text.Contains(pattern, comparison);
        }
    }
}
