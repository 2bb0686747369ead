using System.Globalization;
using System.Text.RegularExpressions;

namespace KoboConsole.Web.Features.Maintenance;

/// <summary>
/// The values kobo's maintenance page shows (kobo-reference.md section 4): <c>ETA</c>,
/// <c>DATE_ISO</c> (<c>%Y%m%dT%H%M</c>, UTC), <c>DATE_STR</c> (derived, editable) and <c>EMAIL</c>.
/// </summary>
public sealed partial record MaintenanceFields(string Eta, string DateIso, string DateStr, string? Email)
{
    public const string DefaultEta = "2 hours";
    public const string DateIsoFormat = "yyyyMMdd'T'HHmm";

    /// <summary>Kobo's defaults: "2 hours", now rounded down to the quarter hour.</summary>
    public static MaintenanceFields Defaults(DateTimeOffset now, string? email = null)
    {
        var start = FloorToQuarterHour(now);
        return new MaintenanceFields(DefaultEta, ToDateIso(start), ToDateStr(start), email);
    }

    /// <summary>
    /// The quarter hour at or before <paramref name="time"/>: maintenance turned on at 05:10 "started
    /// 05:00", never at a time still to come (rounding to the nearest said 05:15).
    /// </summary>
    public static DateTimeOffset FloorToQuarterHour(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        var quarter = TimeSpan.FromMinutes(15).Ticks;
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % quarter), TimeSpan.Zero);
    }

    public static string ToDateIso(DateTimeOffset time) => time.ToUniversalTime().ToString(DateIsoFormat, CultureInfo.InvariantCulture);

    /// <summary>As kobo-install writes it: <c>%A, %B %d at %H:%M GMT</c> ("Monday, November 26 at 02:00 GMT").</summary>
    public static string ToDateStr(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("dddd, MMMM dd 'at' HH:mm 'GMT'", CultureInfo.InvariantCulture);

    public static bool TryParseDateIso(string? text, out DateTimeOffset time)
    {
        var ok = DateTime.TryParseExact(text, DateIsoFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed);
        time = ok ? new DateTimeOffset(DateTime.SpecifyKind(parsed, DateTimeKind.Utc)) : default;
        return ok;
    }

    /// <summary>Seconds for the <c>Retry-After</c> header: "2 hours" → 7200, "90 minutes" → 5400; one hour when the ETA does not parse.</summary>
    public static int RetryAfterSeconds(string eta)
    {
        var total = 0d;
        foreach (Match m in Duration().Matches(eta))
        {
            var amount = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            var unit = m.Groups[2].Value.ToLowerInvariant();
            total += unit switch
            {
                _ when unit.StartsWith('d') => amount * 86400,
                _ when unit.StartsWith('h') => amount * 3600,
                _ when unit.StartsWith('m') => amount * 60,
                _ => amount,
            };
        }

        return total >= 1 ? (int)Math.Min(total, 7 * 86400) : 3600;
    }

    [GeneratedRegex(@"(\d+(?:\.\d+)?)\s*(days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Duration();
}
