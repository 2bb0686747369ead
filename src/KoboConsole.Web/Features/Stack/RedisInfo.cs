using System.Globalization;

namespace KoboConsole.Web.Features.Stack;

/// <summary>Reads redis-cli's <c>INFO</c> replies: what a backup counts before and after, and what a restore checks.</summary>
public static class RedisInfo
{
    /// <summary>The sum of <c>keys=</c> over every database in <c>INFO keyspace</c>.</summary>
    public static long KeyCount(string keyspace) =>
        keyspace.Split('\n', StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith("db", StringComparison.Ordinal) && l.Contains("keys=", StringComparison.Ordinal))
            .Sum(l => long.Parse(l.Split(':', 2)[1].Split(',')[0]["keys=".Length..], CultureInfo.InvariantCulture));

    /// <summary>A numeric <c>name:value</c> field of an INFO section, or null.</summary>
    public static long? Field(string info, string name) =>
        info.Split('\n', StringSplitOptions.TrimEntries).Where(l => l.StartsWith(name + ":", StringComparison.Ordinal))
            .Select(l => long.TryParse(l[(name.Length + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (long?)null)
            .FirstOrDefault();
}
