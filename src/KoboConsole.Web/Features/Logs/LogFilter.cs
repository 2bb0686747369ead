using System.Text.RegularExpressions;

namespace KoboConsole.Web.Features.Logs;

/// <summary>
/// Include/exclude matching of log text, as plain text or a regex with a match timeout. A bad
/// pattern never stops a stream: <see cref="Create"/> reports it in <see cref="Problem"/> and falls
/// back to plain text; lines on which the regex times out are left out and counted.
/// </summary>
public sealed class LogFilter
{
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(50);

    private readonly Func<string, bool>? _include;
    private readonly Func<string, bool>? _exclude;
    private int _timeouts;
    private int _timedOut;
    private bool _stopAtFirstTimeout;

    private LogFilter(Func<string, bool>? include, Func<string, bool>? exclude, string? problem)
    {
        _include = include;
        _exclude = exclude;
        Problem = problem;
    }

    public static LogFilter None { get; } = new(null, null, null);

    /// <summary>Why the pattern is not used as given (invalid regex), for a notice; null when fine.</summary>
    public string? Problem { get; }

    public bool IsEmpty => _include is null && _exclude is null;

    public static LogFilter Create(string? filter, string? exclude, bool regex, bool matchCase)
    {
        var problems = new List<string>();
        var include = Build(filter, "filter", regex, matchCase, problems);
        var excluded = Build(exclude, "exclude", regex, matchCase, problems);
        return new LogFilter(include, excluded, problems.Count == 0 ? null : string.Join(" ", problems));
    }

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
        if (_stopAtFirstTimeout && TimedOut)
        {
            return false;
        }

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
