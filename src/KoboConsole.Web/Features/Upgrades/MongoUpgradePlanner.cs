using System.Globalization;

namespace KoboConsole.Web.Features.Upgrades;

/// <summary>One hop of a MongoDB upgrade: run <see cref="Image"/> on the same data, then raise the feature compatibility version.</summary>
public sealed record MongoHop(string From, string To, string Image, string Shell, string SetFeatureCompatibility, IReadOnlyList<string> ChecksAfter);

/// <summary>The chain from the running major to the target, or why there is none.</summary>
public sealed record MongoUpgradePlan(string? Current, string Target, IReadOnlyList<MongoHop> Hops, string? Problem)
{
    public bool CanStart => Problem is null && Hops.Count > 0;
}

/// <summary>
/// Plans a MongoDB upgrade the only way MongoDB allows: one major at a time (3.4 → 3.6 → 4.0 → 4.2 →
/// 4.4 → 5.0 → 6.0 → 7.0 → 8.0), each hop starting the next image on the same data and then setting
/// the feature compatibility version (FCV) to it; the FCV must equal the running major before the
/// first hop. Planning only: the hops have not been run against a real mongod (see docs/upgrades.md).
/// </summary>
public static class MongoUpgradePlanner
{
    public static readonly IReadOnlyList<string> Majors = ["3.4", "3.6", "4.0", "4.2", "4.4", "5.0", "6.0", "7.0", "8.0"];

    /// <param name="runningVersion">The server's <c>db.version()</c>, e.g. 5.0.31.</param>
    /// <param name="fcv">The running <c>featureCompatibilityVersion</c>; null when unknown (read after the first hop's image starts).</param>
    /// <param name="target">A major, e.g. 8.0.</param>
    public static MongoUpgradePlan Plan(string runningVersion, string? fcv, string target)
    {
        var current = MajorOf(runningVersion);
        var from = current is null ? -1 : IndexOf(current);
        var to = IndexOf(target);
        if (from < 0)
        {
            return new MongoUpgradePlan(current, target, [], $"the running MongoDB {runningVersion} is not one of the majors the console plans ({string.Join(", ", Majors)}).");
        }

        if (to < 0)
        {
            return new MongoUpgradePlan(current, target, [], $"target {target} is not a MongoDB major the console plans; choose one of {string.Join(", ", Majors.Skip(from + 1))}.");
        }

        if (to <= from)
        {
            return new MongoUpgradePlan(current, target, [], $"target {target} is not newer than the running {current}: MongoDB cannot go back a major on the same data.");
        }

        var hops = new List<MongoHop>();
        if (fcv is not null && fcv != current)
        {
            // MongoDB refuses to start the next major on data whose FCV is older than the running major.
            hops.Add(Hop(current!, current!));
        }

        for (var i = from; i < to; i++)
        {
            hops.Add(Hop(Majors[i], Majors[i + 1]));
        }

        return new MongoUpgradePlan(current, target, hops, null);
    }

    /// <summary>"5.0.31" → "5.0"; null when the text is not a version.</summary>
    public static string? MajorOf(string version)
    {
        var parts = version.Trim().Split('.');
        return parts.Length >= 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
            ? $"{major}.{minor}"
            : null;
    }

    /// <summary>The shell the image ships: <c>mongo</c> up to 5.0, <c>mongosh</c> from 6.0 (the old shell was removed).</summary>
    public static string ShellOf(string major) => IndexOf(major) >= IndexOf("6.0") ? "mongosh" : "mongo";

    /// <summary>From 7.0 on, MongoDB asks for <c>confirm: true</c> (the FCV cannot be lowered again).</summary>
    public static string SetFcvCommand(string major) => IndexOf(major) >= IndexOf("7.0")
        ? $"db.adminCommand({{ setFeatureCompatibilityVersion: \"{major}\", confirm: true }})"
        : $"db.adminCommand({{ setFeatureCompatibilityVersion: \"{major}\" }})";

    private static MongoHop Hop(string from, string to) => new(from, to, $"mongo:{to}", ShellOf(to), SetFcvCommand(to),
    [
        $"db.version() starts with {to}",
        $"featureCompatibilityVersion is {to}",
        "document counts per collection equal the counts before the hop",
    ]);

    private static int IndexOf(string major) => Majors.ToList().IndexOf(major);
}
