using System.Globalization;
using System.Text.RegularExpressions;

namespace KoboConsole.Web.Features.Logs;

/// <summary>
/// The time written in a log-file line, for the formats kobo's services use: nginx access
/// (<c>[25/Nov/2026:10:00:00 +0000]</c>) and error (<c>2026/11/25 10:00:00 [error]</c>), uwsgi
/// (<c>[Wed Nov 25 10:00:00 2026]</c>), Redis (<c>1:M 25 Nov 2026 10:00:00.123 *</c>), Celery
/// (<c>[2026-11-25 10:00:00,123: INFO/...]</c>), PostgreSQL (<c>2026-11-25 10:00:00.123 UTC [1] LOG:</c>)
/// and ISO 8601 at the start of a line. Times without a zone are UTC (kobo's containers run in
/// UTC). Null when no known format matches: the caller then uses the time it read the line.
/// </summary>
public static partial class LineTimestamp
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private const DateTimeStyles Utc = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;

    public static DateTimeOffset? Parse(string line)
    {
        if (line.Length < 19)
        {
            return null;
        }

        // The patterns are linear (no nested repeats), so they need no match timeout.
        var head = line.Length > 200 ? line[..200] : line;
        if (NginxAccess().Match(head) is { Success: true } a
            && DateTimeOffset.TryParseExact(a.Groups["t"].Value, "dd/MMM/yyyy:HH:mm:ss zzz", Invariant, DateTimeStyles.None, out var access))
        {
            return access.ToUniversalTime();
        }

        if (Redis().Match(head) is { Success: true } r
            && DateTimeOffset.TryParseExact(r.Groups["t"].Value, ["d MMM yyyy HH:mm:ss.fff", "d MMM yyyy HH:mm:ss"], Invariant, Utc, out var redis))
        {
            return redis;
        }

        if (Uwsgi().Match(head) is { Success: true } u
            && DateTimeOffset.TryParseExact(Spaces().Replace(u.Groups["t"].Value, " "), "ddd MMM d HH:mm:ss yyyy", Invariant, Utc, out var uwsgi))
        {
            return uwsgi;
        }

        if (Numeric().Match(head) is not { Success: true } n)
        {
            return null;
        }

        // 2026-11-25 10:00:00,123 (Celery, Python logging), 2026/11/25 10:00:00 (nginx error),
        // 2026-11-25 10:00:00.123 UTC (PostgreSQL), 2026-11-25T10:00:00.123Z (ISO 8601). A zone
        // named by another abbreviation (CET, ...) is ambiguous: the line keeps the read time.
        var date = n.Groups["d"].Value.Replace('/', '-');
        var fraction = n.Groups["f"].Success ? "." + n.Groups["f"].Value[1..Math.Min(n.Groups["f"].Length, 8)] : "";
        var zone = n.Groups["z"].Value switch
        {
            "" or "Z" or "UTC" or "GMT" => "+00:00",
            ['+' or '-', _, _] z => z + ":00",
            ['+' or '-', _, _, _, _] z => z[..3] + ":" + z[3..],
            ['+' or '-', _, _, ':', _, _] z => z,
            _ => null,
        };
        if (zone is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse($"{date}T{n.Groups["h"].Value}{fraction}{zone}", Invariant, DateTimeStyles.None, out var at) ? at.ToUniversalTime() : null;
    }

    // 1.2.3.4 - user [25/Nov/2026:10:00:00 +0000] "GET ...
    [GeneratedRegex(@"^\S+ \S+ \S+ \[(?<t>\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4})\]", RegexOptions.CultureInvariant)]
    private static partial Regex NginxAccess();

    // 1:M 25 Nov 2026 10:00:00.123 * Ready (Redis 3+), also without the pid prefix.
    [GeneratedRegex(@"^(?:\d+:[XCSM] )?(?<t>\d{1,2} \w{3} \d{4} \d{2}:\d{2}:\d{2}(?:\.\d{3})?) [#*.\-] ", RegexOptions.CultureInvariant)]
    private static partial Regex Redis();

    // [pid: 1|app: 0|req: 1/1] ... [Wed Nov 25 10:00:00 2026] GET / => ...
    [GeneratedRegex(@"\[(?<t>(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \w{3} +\d{1,2} \d{2}:\d{2}:\d{2} \d{4})\]", RegexOptions.CultureInvariant)]
    private static partial Regex Uwsgi();

    [GeneratedRegex(@"^\[?(?<d>\d{4}[-/]\d{2}[-/]\d{2})[ T](?<h>\d{2}:\d{2}:\d{2})(?<f>[.,]\d{1,9})?(?:(?<z>Z)| ?(?<z>[+-]\d{2}(?::?\d{2})?)| (?<z>[A-Z]{2,5})(?= \[))?(?=[\s\]:]|$)", RegexOptions.CultureInvariant)]
    private static partial Regex Numeric();

    [GeneratedRegex(" +", RegexOptions.CultureInvariant)]
    private static partial Regex Spaces();
}
