using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace KoboConsole.Web.Features.Logs;

/// <summary>
/// Log text to HTML: ANSI SGR colours (30–37, 90–97, bold, reset) become spans with CSS classes;
/// every character of the text itself is HTML-escaped, so a line holding <c>&lt;script&gt;</c> shows as text.
/// Other escape sequences are dropped.
/// </summary>
public static partial class AnsiRenderer
{
    public static string ToHtml(string text)
    {
        var html = new StringBuilder(text.Length + 16);
        var open = false;
        var position = 0;
        foreach (Match m in Escape().Matches(text))
        {
            html.Append(WebUtility.HtmlEncode(text[position..m.Index]));
            position = m.Index + m.Length;
            if (m.Groups["final"].Value != "m")
            {
                continue;
            }

            var classes = ClassesOf(m.Groups["params"].Value);
            if (open)
            {
                html.Append("</span>");
                open = false;
            }

            if (classes.Length > 0)
            {
                html.Append("<span class=\"").Append(classes).Append("\">");
                open = true;
            }
        }

        html.Append(WebUtility.HtmlEncode(text[position..]));
        if (open)
        {
            html.Append("</span>");
        }

        return html.ToString();
    }

    public static string Strip(string text) => text.Contains('\u001b', StringComparison.Ordinal) ? Escape().Replace(text, "") : text;

    private static string ClassesOf(string parameters)
    {
        var classes = new List<string>();
        var codes = parameters.Split(';', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < codes.Length; i++)
        {
            if (!int.TryParse(codes[i], System.Globalization.CultureInfo.InvariantCulture, out var code))
            {
                continue;
            }

            switch (code)
            {
                case 0:
                    classes.Clear();
                    break;
                case 1:
                    classes.Add("ansi-bold");
                    break;
                case >= 30 and <= 37:
                    classes.RemoveAll(c => c.StartsWith("ansi-fg", StringComparison.Ordinal));
                    classes.Add($"ansi-fg{code - 30}");
                    break;
                case >= 90 and <= 97:
                    classes.RemoveAll(c => c.StartsWith("ansi-fg", StringComparison.Ordinal));
                    classes.Add($"ansi-fg{code - 90 + 8}");
                    break;
                case 38 or 48:
                    // 256-colour and true-colour forms: skip their arguments.
                    i += codes.Length > i + 1 && codes[i + 1] == "5" ? 2 : 4;
                    break;
                default:
                    break;
            }
        }

        return string.Join(' ', classes);
    }

    [GeneratedRegex(@"\u001b\[(?<params>[0-9;?]*)(?<final>[A-Za-z])", RegexOptions.CultureInvariant)]
    private static partial Regex Escape();
}
