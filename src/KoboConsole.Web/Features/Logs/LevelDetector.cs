using System.Text.Json;
using System.Text.RegularExpressions;

namespace KoboConsole.Web.Features.Logs;

/// <summary>
/// error / warn / info / debug from the formats kobo's services write: JSON <c>level</c> fields,
/// Django and Celery (<c>[... ERROR/...]</c>, <c>ERROR ...</c>), uwsgi, PostgreSQL (<c>ERROR:</c>,
/// <c>FATAL:</c>), Redis (<c> # </c> warning, <c> * </c> notice, <c> . </c> verbose), nginx error log
/// (<c>[error]</c>) and nginx access log (5xx error, 4xx warn). Null when nothing says.
/// </summary>
public static partial class LevelDetector
{
    public static string? Detect(string text, string? stream = null)
    {
        try
        {
            return DetectCore(text, stream);
        }
        catch (RegexMatchTimeoutException)
        {
            // Only under extreme load (the patterns are linear); a line without a level is fine.
            return null;
        }
    }

    private static string? DetectCore(string text, string? stream)
    {
        if (text.Length == 0)
        {
            return null;
        }

        text = AnsiRenderer.Strip(text);
        if (text.Length > 0 && text[0] == '{' && FromJson(text) is { } json)
        {
            return json;
        }

        var m = Keyword().Match(text.Length > 400 ? text[..400] : text);
        if (m.Success)
        {
            return Normalize(m.Groups["k"].Value);
        }

        if (RedisMarker().Match(text) is { Success: true } r)
        {
            return r.Groups["m"].Value switch { "#" => "warn", "*" => "info", _ => "debug" };
        }

        if (NginxAccess().Match(text) is { Success: true } a)
        {
            return a.Groups["s"].Value[0] == '5' ? "error" : a.Groups["s"].Value[0] == '4' ? "warn" : "info";
        }

        return stream == "stderr" && text.Contains("Traceback", StringComparison.Ordinal) ? "error" : null;
    }

    private static string? FromJson(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            foreach (var name in (string[])["level", "severity", "lvl", "s"])
            {
                if (doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String)
                {
                    return Normalize(v.GetString() ?? "");
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON after all: fall through to the text rules.
        }

        return null;
    }

    private static string? Normalize(string word) => word.ToUpperInvariant() switch
    {
        "ERROR" or "ERR" or "E" or "FATAL" or "F" or "PANIC" or "CRITICAL" or "CRIT" or "ALERT" or "EMERG" => "error",
        "WARN" or "WARNING" or "W" => "warn",
        "INFO" or "I" or "NOTICE" or "LOG" or "STATEMENT" => "info",
        "DEBUG" or "D" or "D1" or "D2" or "TRACE" or "DETAIL" or "HINT" => "debug",
        _ => null,
    };

    // [2026-11-25 10:00:00,123: ERROR/MainProcess] (Celery), "ERROR 2026-..." (Django), "ERROR:  x" (PostgreSQL),
    // [error] (nginx), level=warn (logfmt), "WARNING ..." (uwsgi/Python logging).
    [GeneratedRegex(@"(?:^|[\s\[:|])(?<k>ERROR|ERR|FATAL|PANIC|CRITICAL|CRIT|ALERT|EMERG|WARNING|WARN|INFO|NOTICE|DEBUG|TRACE|error|warn|notice|info|debug|crit|alert|emerg)(?=[\]/:\s|]|$)|level=(?<k>\w+)|\] (?<k>LOG|STATEMENT|DETAIL|HINT):\s", RegexOptions.CultureInvariant)]
    private static partial Regex Keyword();

    [GeneratedRegex(@"^\d+:[XCSM] \d{1,2} \w{3} \d{4} [\d:.]+ (?<m>[#*.\-]) ", RegexOptions.CultureInvariant)]
    private static partial Regex RedisMarker();

    [GeneratedRegex(@"^\S+ \S+ \S+ \[[^\]]+\] ""[^""]*"" (?<s>[1-5]\d\d) ", RegexOptions.CultureInvariant)]
    private static partial Regex NginxAccess();
}
