using System.Globalization;

namespace KoboConsole.Web.Features.Topology.Stats;

/// <summary>How the stats read on the page.</summary>
public static class StatsFormat
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB"];

    public static string Percent(double v) => v.ToString(v < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " %";

    public static string Bytes(double v)
    {
        var unit = 0;
        while (v >= 1024 && unit < Units.Length - 1)
        {
            v /= 1024;
            unit++;
        }

        return v.ToString(v < 10 && unit > 0 ? "0.0" : "0", CultureInfo.InvariantCulture) + " " + Units[unit];
    }

    public static string Rate(double v) => Bytes(v) + "/s";

    /// <summary>A memory limit of the whole host (no limit set) says so instead of a number.</summary>
    public static string Limit(long limit) => limit <= 0 || limit >= long.MaxValue / 2 ? "no limit" : Bytes(limit);
}
