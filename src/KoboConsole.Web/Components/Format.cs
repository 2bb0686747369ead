using System.Globalization;

namespace KoboConsole.Web.Components;

/// <summary>Sizes, rates and durations the way an admin reads them.</summary>
public static class Format
{
    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1073741824.0:0.00} GB"),
    };

    public static string Rate(long bytes, TimeSpan elapsed) => elapsed.TotalSeconds < 0.5 ? "–" : Bytes((long)(bytes / elapsed.TotalSeconds)) + "/s";

    public static string Duration(TimeSpan t) => t.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}h {t.Minutes:00}m")
        : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes}m {t.Seconds:00}s");

    public static string Age(TimeSpan t) => t.TotalMinutes < 1 ? "just now"
        : t.TotalHours < 1 ? $"{(int)t.TotalMinutes} min ago"
        : t.TotalDays < 2 ? $"{(int)t.TotalHours} h ago"
        : $"{(int)t.TotalDays} days ago";
}
