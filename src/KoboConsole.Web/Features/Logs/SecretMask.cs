using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace KoboConsole.Web.Features.Logs;

/// <summary>
/// The one masking rule for secrets shown or downloaded by the console: log lines (the /logs page,
/// the hub, the REST tail and downloads, the topology detail panel) and container environments.
/// Only the value is replaced, so the line stays readable: <c>password=***</c>,
/// <c>postgres://kobo:***@host/db</c>, <c>Authorization: Bearer ***</c>.
/// </summary>
public static partial class SecretMask
{
    public const string Mask = "***";

    private static readonly string[] SecretWords = ["PASSWORD", "SECRET", "KEY", "TOKEN"];

    // Every form the rule masks contains one of these (case-insensitive); most log lines contain
    // none, and one vectorised search over the line is far cheaper than a regex run.
    private static readonly SearchValues<string> Candidates = SearchValues.Create(
        ["://", "pass", "pwd", "secret", "token", "api_key", "apikey", "api-key", "authoriz"], StringComparison.OrdinalIgnoreCase);

    public static bool IsSecretKey(string key) => SecretWords.Any(w => key.Contains(w, StringComparison.OrdinalIgnoreCase));

    /// <summary>One <c>NAME=value</c> environment entry: the whole value when the name looks secret, else secrets inside it.</summary>
    public static string MaskEnvEntry(string entry)
    {
        var eq = entry.IndexOf('=', StringComparison.Ordinal);
        if (eq < 0)
        {
            return entry;
        }

        var key = entry[..eq];
        return IsSecretKey(key) ? $"{key}={Mask}" : $"{key}={Text(entry[(eq + 1)..])}";
    }

    /// <summary>
    /// A log line (or any text) with the values of secrets replaced: URL credentials of any
    /// scheme, <c>password=</c>/<c>passwd=</c>/<c>pwd=</c>/<c>secret=</c>/<c>token=</c>/<c>api_key=</c>
    /// in <c>key=value</c>, <c>KEY: value</c> and JSON forms (also as the end of a longer name:
    /// <c>POSTGRES_PASSWORD=</c>), SQL's <c>PASSWORD 'x'</c>, and <c>Authorization</c> headers.
    /// Returns the same string when there is nothing to mask.
    /// </summary>
    public static string Text(string text)
    {
        if (text.Length == 0 || text.AsSpan().IndexOfAny(Candidates) < 0)
        {
            return text;
        }

        try
        {
            var masked = text.Contains("://", StringComparison.Ordinal) ? UrlCredentials().Replace(text, MaskValue) : text;
            return KeyValue().Replace(masked, MaskValue);
        }
        catch (RegexMatchTimeoutException)
        {
            // Never show what could not be checked.
            return "[line hidden: too long to check for secrets]";
        }
    }

    /// <summary>The match with its <c>v</c> group (the secret) replaced by the mask.</summary>
    private static string MaskValue(Match m)
    {
        var v = m.Groups["v"];
        return new StringBuilder(m.Length)
            .Append(m.ValueSpan[..(v.Index - m.Index)])
            .Append(Mask)
            .Append(m.ValueSpan[(v.Index + v.Length - m.Index)..])
            .ToString();
    }

    // scheme://user:password@ : anchored on "://" (found by IndexOf); the password stops at '/', so
    // "http://host:8080/path?to=a@b.org" is left alone.
    [GeneratedRegex(@"(?<=[A-Za-z0-9])://[^:/@\s]*:(?<v>[^@\s/]+)@", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex UrlCredentials();

    // name[suffix] then = or : (after an optional closing quote), then an optional auth scheme, then
    // the value: quoted (JSON, shell) or up to a space or separator. Or SQL's PASSWORD 'value'.
    [GeneratedRegex("""
        (?:password|passwd|pwd|secret|token|api[_-]?key|authorization)(?:[_-][A-Za-z0-9_]*)?["']?[\x20\t]*[:=][\x20\t]*
        (?:(?:bearer|basic|token|digest)[\x20\t]+)?
        (?:"(?<v>[^"]+)"|'(?<v>[^']+)'|(?<v>[^\s"'&,;]+))
        |password[\x20\t]+'(?<v>[^']+)'
        """, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace, matchTimeoutMilliseconds: 100)]
    private static partial Regex KeyValue();
}
