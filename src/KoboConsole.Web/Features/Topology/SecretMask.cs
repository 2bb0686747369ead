using System.Text.RegularExpressions;

namespace KoboConsole.Web.Features.Topology;

/// <summary>
/// Hides secrets in container environments before they reach a page or an API: the value of
/// any key containing PASSWORD, SECRET, KEY or TOKEN, and the password of any URL with credentials.
/// </summary>
public static partial class SecretMask
{
    public const string Mask = "••••••";

    private static readonly string[] SecretWords = ["PASSWORD", "SECRET", "KEY", "TOKEN"];

    public static bool IsSecretKey(string key) => SecretWords.Any(w => key.Contains(w, StringComparison.OrdinalIgnoreCase));

    /// <summary>One <c>NAME=value</c> entry, masked.</summary>
    public static string MaskEnvEntry(string entry)
    {
        var eq = entry.IndexOf('=', StringComparison.Ordinal);
        if (eq < 0)
        {
            return entry;
        }

        var key = entry[..eq];
        return IsSecretKey(key) ? $"{key}={Mask}" : $"{key}={MaskUrlCredentials(entry[(eq + 1)..])}";
    }

    /// <summary><c>postgres://kobo:pw@host/db</c> becomes <c>postgres://kobo:••••••@host/db</c> (every URL in the text).</summary>
    public static string MaskUrlCredentials(string text) => UrlCredentials().Replace(text, m => $"{m.Groups["head"].Value}{Mask}@");

    [GeneratedRegex(@"(?<head>[A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s]*:)[^@\s]*@")]
    private static partial Regex UrlCredentials();
}
