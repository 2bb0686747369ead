using System.Globalization;
using System.Text.RegularExpressions;

namespace KoboConsole.Web.Features.Backups;

/// <summary>A file name kobo's scripts (or ours, which use the same pattern) would write.</summary>
public sealed record ParsedBackupName(string Store, string? Database, string Version, string Domain, DateTimeOffset CreatedAt);

/// <summary>
/// kobo-docker's backup file names (kobo-reference.md section 5), so kobo's own restore
/// instructions work on our files and kobo's files show up in our catalog.
/// </summary>
public static partial class BackupNames
{
    public const string PartialSuffix = ".partial";

    public static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy.MM.dd.HH_mm", CultureInfo.InvariantCulture);

    public static string Postgres(string database, string pgMajor, string domain, DateTimeOffset at) =>
        $"postgres-{database}-{pgMajor}-{domain}-{Timestamp(at)}.pg_dump";

    public static string Mongo(string mongoMajor, string domain, DateTimeOffset at) => $"mongo-{mongoMajor}-{domain}-{Timestamp(at)}.gz";

    public static string Redis(string redisVersion, string domain, DateTimeOffset at) => $"redis-{redisVersion}-{domain}-{Timestamp(at)}.gz";

    /// <summary>kobo has no media backup today; ours follows the same pattern, one file per media volume.</summary>
    public static string Media(string volume, string domain, DateTimeOffset at) => $"media-{volume}-{domain}-{Timestamp(at)}.tar.gz";

    /// <summary>Parses a kobo-style name (disk <c>%Y.%m.%d.%H_%M</c> or S3 <c>%Y%m%d_%H%M%S</c> stamps); null when it is not one.</summary>
    public static ParsedBackupName? Parse(string fileName)
    {
        var m = PostgresName().Match(fileName);
        if (m.Success)
        {
            return Build(BackupStores.Postgres, m.Groups["db"].Value, m);
        }

        m = OtherName().Match(fileName);
        if (!m.Success)
        {
            return null;
        }

        var store = m.Groups["store"].Value;
        var ext = m.Groups["ext"].Value;
        var extOk = store == BackupStores.Media ? ext is "tar.gz" or "tar" : ext == "gz";
        return extOk ? Build(store, store == BackupStores.Media ? m.Groups["ver"].Value : null, m) : null;
    }

    private static ParsedBackupName? Build(string store, string? database, Match m)
    {
        var ts = m.Groups["ts"].Value;
        var format = ts.Contains('.', StringComparison.Ordinal) ? "yyyy.MM.dd.HH_mm" : "yyyyMMdd_HHmmss";
        if (!DateTime.TryParseExact(ts, format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at))
        {
            return null;
        }

        var version = store == BackupStores.Media ? "" : m.Groups["ver"].Value;
        return new ParsedBackupName(store, database, version, m.Groups["domain"].Value, new DateTimeOffset(at, TimeSpan.Zero));
    }

    [GeneratedRegex(@"^postgres-(?<db>[^/]+?)-(?<ver>\d+(?:\.\d+)*)-(?<domain>[^/]+)-(?<ts>\d{4}\.\d{2}\.\d{2}\.\d{2}_\d{2}|\d{8}_\d{6})\.pg_dump$")]
    private static partial Regex PostgresName();

    [GeneratedRegex(@"^(?<store>mongo|redis|media)-(?<ver>[^/]+?)-(?<domain>[^/]+)-(?<ts>\d{4}\.\d{2}\.\d{2}\.\d{2}_\d{2}|\d{8}_\d{6})\.(?<ext>tar\.gz|tar|gz)$")]
    private static partial Regex OtherName();
}
