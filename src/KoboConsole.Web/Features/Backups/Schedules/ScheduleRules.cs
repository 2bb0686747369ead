using System.Globalization;
using Cronos;

namespace KoboConsole.Web.Features.Backups.Schedules;

/// <summary>Cron expressions (5 fields, as kobo's <c>*_BACKUP_SCHEDULE</c>) with a time zone: checks, a human reading, the next runs.</summary>
public static class ScheduleRules
{
    /// <summary>Null when valid, else what is wrong and what to write instead.</summary>
    public static string? Problem(string? cron, string? timeZone) => CronProblem(cron) ?? ZoneProblem(timeZone);

    public static string? CronProblem(string? cron)
    {
        if (string.IsNullOrWhiteSpace(cron))
        {
            return "the cron expression is required, five fields such as '0 2 * * 0' (Sundays at 02:00).";
        }

        return CronExpression.TryParse(cron.Trim(), CronFormat.Standard, out _) ? null
            : $"'{Clip(cron)}' is not a five-field cron expression (minute hour day-of-month month day-of-week), e.g. '30 1 * * *'.";
    }

    public static string? ZoneProblem(string? timeZone) =>
        Zone(timeZone) is null ? $"'{Clip(timeZone ?? "")}' is not a known time zone; use an IANA name such as UTC or Europe/Paris." : null;

    public static TimeZoneInfo? Zone(string? id)
    {
        // Only what IANA names are made of: no "..", no markup, nothing long reaches the zone files.
        if (id is { Length: > 64 } || (id is not null && (id.Contains("..", StringComparison.Ordinal) || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-' or '+'))))
        {
            return null;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(string.IsNullOrWhiteSpace(id) ? "UTC" : id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }

    // Problems echo the input cut: a request may carry megabytes.
    private static string Clip(string value) => value.Length > 64 ? value[..64] + "…" : value;

    public static IReadOnlyList<DateTimeOffset> NextRuns(string cron, string timeZone, DateTimeOffset from, int count)
    {
        var expression = CronExpression.Parse(cron.Trim(), CronFormat.Standard);
        var zone = Zone(timeZone) ?? TimeZoneInfo.Utc;
        return expression.GetOccurrences(from, from.AddYears(5), zone, fromInclusive: false).Take(count).ToList();
    }

    /// <summary>"every Sunday at 02:00 UTC" for the common shapes; the expression itself otherwise.</summary>
    public static string Describe(string cron, string timeZone)
    {
        var f = cron.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var tz = string.IsNullOrWhiteSpace(timeZone) ? "UTC" : timeZone;
        if (f.Length != 5)
        {
            return cron;
        }

        var (min, hour, dom, month, dow) = (f[0], f[1], f[2], f[3], f[4]);
        var at = int.TryParse(min, out var m) && int.TryParse(hour, out var h) ? $"at {h:00}:{m:00} {tz}" : null;
        if (min.StartsWith("*/", StringComparison.Ordinal) && hour == "*" && dom == "*" && month == "*" && dow == "*")
        {
            return $"every {min[2..]} minutes";
        }

        if (int.TryParse(min, out var minute) && hour == "*" && dom == "*" && month == "*" && dow == "*")
        {
            return $"every hour at minute {minute}";
        }

        if (at is null || month != "*")
        {
            return $"cron '{cron}' ({tz})";
        }

        if (dom == "*" && dow == "*")
        {
            return $"every day {at}";
        }

        if (dom == "*" && DayNames(dow) is { } days)
        {
            return $"every {days} {at}";
        }

        return dow == "*" && int.TryParse(dom, out var day) ? $"on day {day} of every month {at}" : $"cron '{cron}' ({tz})";
    }

    private static string? DayNames(string dow)
    {
        var names = new List<string>();
        foreach (var part in dow.Split(','))
        {
            if (!int.TryParse(part, out var d) || d < 0 || d > 7)
            {
                return null;
            }

            names.Add(CultureInfo.InvariantCulture.DateTimeFormat.DayNames[d % 7]);
        }

        return string.Join(", ", names);
    }
}
