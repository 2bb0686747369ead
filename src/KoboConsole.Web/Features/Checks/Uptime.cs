namespace KoboConsole.Web.Features.Checks;

/// <summary>One bar of a timeline: the worst state the check was in during the bar's time (<c>none</c>: not checked yet, <c>muted</c>: bad but explained by maintenance).</summary>
public sealed record UptimeBar(DateTimeOffset Start, DateTimeOffset End, string State);

/// <summary>
/// A period a check spent failing or warning; <see cref="End"/> is null while it lasts.
/// <see cref="MutedBy"/>: the maintenance that explained it (null for a real incident).
/// </summary>
public sealed record Incident(string Check, string Target, string State, DateTimeOffset Start, DateTimeOffset? End, string Message, string? MutedBy = null)
{
    public TimeSpan Duration(DateTimeOffset now) => (End ?? now) - Start;
}

/// <summary>Reads one check's state changes into an Uptime-Kuma-like bar timeline, an uptime share and incidents.</summary>
public static class Uptime
{
    public const string None = "none";
    public const string Muted = "muted";

    private sealed record Segment(DateTimeOffset Start, DateTimeOffset End, string State, bool Muted);

    /// <param name="changes">One check's changes, oldest first, including the last one before <paramref name="from"/>.</param>
    public static IReadOnlyList<UptimeBar> Bars(IReadOnlyList<CheckChange> changes, DateTimeOffset from, DateTimeOffset to, int count)
    {
        var segments = Segments(changes, from, to);
        var width = (to - from) / count;
        var bars = new List<UptimeBar>(count);
        for (var i = 0; i < count; i++)
        {
            var start = from + (width * i);
            var end = i == count - 1 ? to : start + width;
            var inBar = segments.Where(s => s.Start < end && s.End > start).ToList();
            var worst = inBar.OrderByDescending(s => CheckStates.Severity(s.State)).FirstOrDefault();
            var state = worst is null ? None
                : CheckStates.Severity(worst.State) > 0 && inBar.Where(s => CheckStates.Severity(s.State) > 0).All(s => s.Muted) ? Muted
                : inBar.Where(s => !s.Muted || s.State == CheckStates.Ok).OrderByDescending(s => CheckStates.Severity(s.State)).First().State;
            bars.Add(new UptimeBar(start, end, state));
        }

        return bars;
    }

    /// <summary>The share of checked, unmuted time spent ok, or null when there is none.</summary>
    public static double? Percent(IReadOnlyList<CheckChange> changes, DateTimeOffset from, DateTimeOffset to)
    {
        var counted = Segments(changes, from, to).Where(s => !s.Muted && s.State != CheckStates.Unknown).ToList();
        var total = counted.Sum(s => (s.End - s.Start).TotalSeconds);
        return total <= 0 ? null : 100 * counted.Where(s => s.State == CheckStates.Ok).Sum(s => (s.End - s.Start).TotalSeconds) / total;
    }

    /// <summary>Failing or warning periods that maintenance did not explain, newest first.</summary>
    public static IReadOnlyList<Incident> Incidents(IReadOnlyList<CheckChange> changes)
    {
        var incidents = new List<Incident>();
        Incident? open = null;
        foreach (var c in changes.OrderBy(c => c.Seq))
        {
            var bad = c.State is CheckStates.Failing or CheckStates.Warning && c.MutedBy is null;
            if (bad && open is null)
            {
                open = new Incident(c.Check, c.Target, c.State, c.At, null, c.Message);
            }
            else if (bad && open is not null && CheckStates.Severity(c.State) > CheckStates.Severity(open.State))
            {
                open = open with { State = c.State, Message = c.Message };
            }
            else if (!bad && open is not null)
            {
                incidents.Add(open with { End = c.At });
                open = null;
            }
        }

        if (open is not null)
        {
            incidents.Add(open);
        }

        incidents.Reverse();
        return incidents;
    }

    /// <summary>Failing or warning periods that maintenance muted, with the maintenance that muted them, newest first.</summary>
    public static IReadOnlyList<Incident> MutedPeriods(IReadOnlyList<CheckChange> changes)
    {
        var periods = new List<Incident>();
        Incident? open = null;
        foreach (var c in changes.OrderBy(c => c.Seq))
        {
            var muted = c.State is CheckStates.Failing or CheckStates.Warning && c.MutedBy is not null;
            if (open is not null && (!muted || c.MutedBy != open.MutedBy))
            {
                periods.Add(open with { End = c.At });
                open = null;
            }

            if (muted && open is null)
            {
                open = new Incident(c.Check, c.Target, c.State, c.At, null, c.Message, c.MutedBy);
            }
            else if (muted && CheckStates.Severity(c.State) > CheckStates.Severity(open!.State))
            {
                open = open with { State = c.State, Message = c.Message };
            }
        }

        if (open is not null)
        {
            periods.Add(open);
        }

        periods.Reverse();
        return periods;
    }

    private static List<Segment> Segments(IReadOnlyList<CheckChange> changes, DateTimeOffset from, DateTimeOffset to)
    {
        var ordered = changes.OrderBy(c => c.Seq).ToList();
        var segments = new List<Segment>();
        for (var i = 0; i < ordered.Count; i++)
        {
            var start = ordered[i].At < from ? from : ordered[i].At;
            var end = i + 1 < ordered.Count ? ordered[i + 1].At : to;
            if (end > to)
            {
                end = to;
            }

            if (end > start)
            {
                segments.Add(new Segment(start, end, ordered[i].State, ordered[i].MutedBy is not null));
            }
        }

        return segments;
    }
}
