using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace KoboConsole.Web.Features.Logs;

/// <summary>Text helpers shared by downloads and the page.</summary>
public static class LogText
{
    /// <summary>One line per item: time, source, text (ANSI escapes removed).</summary>
    public static string Plain(IEnumerable<LogItem> items)
    {
        var text = new StringBuilder();
        foreach (var item in items)
        {
            text.Append(item.Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)).Append(' ')
                .Append(item.ContainerName).Append(' ').Append(item.Stream).Append(' ')
                .Append(AnsiRenderer.Strip(item.Text)).Append('\n');
        }

        return text.ToString();
    }
}

/// <summary>"since" as an ISO 8601 time or a duration back from now: 30s, 15m, 2h, 1d.</summary>
public static partial class SinceParser
{
    public static DateTimeOffset? Parse(string value, DateTimeOffset now)
    {
        var m = Relative().Match(value.Trim());
        if (m.Success)
        {
            var n = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            return m.Groups[2].Value switch
            {
                "s" => now.AddSeconds(-n),
                "m" => now.AddMinutes(-n),
                "h" => now.AddHours(-n),
                _ => now.AddDays(-n),
            };
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;
    }

    [GeneratedRegex(@"^(\d{1,6})([smhd])$", RegexOptions.CultureInvariant)]
    private static partial Regex Relative();
}
