using System.Globalization;
using KoboConsole.Web.Features.Drills;

namespace KoboConsole.Web.Features.Upgrades;

/// <summary>
/// Turns the pre-flight's facts into checks and a plan, touching nothing. The console upgrades by a
/// streamed <c>pg_dumpall</c> into a new data directory (the old one is left as it is until the
/// admin retires it), so the file system must hold the data a second time, plus a margin.
/// </summary>
public static class PostgresUpgradePlanner
{
    public const int MinReasonLength = 10;

    /// <summary>Free space needed beyond the data itself: WAL, the new catalogs, a safety margin.</summary>
    public const long MarginBytes = 256L * 1024 * 1024;

    /// <summary>The extensions the upgrade updates itself after the restore.</summary>
    public static readonly IReadOnlyList<string> Steps =
    [
        "pre-flight", "maintenance on", "stop writers", "safety backup", "new data directory", "dump and restore",
        "update extensions", "analyze", "verify", "(admin) switch postgres", "start writers", "maintenance off",
    ];

    /// <param name="backupMaxAge">How old the drill-proven backup may be (a "fresh" backup).</param>
    public static PostgresUpgradePlan Plan(PostgresFacts f, string? method, string? skipBackupReason, string confirmPhrase, DateTimeOffset now, TimeSpan backupMaxAge)
    {
        var checks = new List<UpgradeCheck>
        {
            new("current server", true, true, $"{f.ContainerName} on {f.Host} runs PostgreSQL {f.CurrentVersion} (major {f.CurrentMajor}), image {f.CurrentImage}, data in {f.DataSource}."),
            TargetCheck(f),
        };
        var chosen = ChooseMethod(f, method, out var methodCheck);
        checks.Add(methodCheck);
        var dataBytes = f.Databases.Sum(d => d.Bytes);
        var required = RequiredBytes(dataBytes);
        checks.Add(SpaceCheck(f.FreeBytes, required, dataBytes));
        checks.Add(ExtensionsCheck(f));
        checks.Add(f.Secondaries.Count == 0
            ? new UpgradeCheck("replication", true, false, "no running secondary.")
            : new UpgradeCheck("replication", false, false,
                $"{string.Join(", ", f.Secondaries)} replicates from this server and cannot follow a major upgrade: after the switch, stop it, "
                + "move its data directory aside and start it with the new image so it copies the new primary again (pg_basebackup); until then it serves the old data."));
        checks.Add(BackupCheck(f.Drill, skipBackupReason, now, backupMaxAge));
        var newSource = NewDataSource(f.DataSource, f.DataIsNamedVolume, f.Target.Major);
        return new PostgresUpgradePlan(checks, chosen, f.CurrentMajor, f.Target.Major, f.Target.Image, dataBytes, required, f.FreeBytes, newSource,
            Steps, Change(f, newSource), confirmPhrase);
    }

    public static long RequiredBytes(long dataBytes) => dataBytes + (dataBytes / 10) + MarginBytes;

    /// <summary>Beside the old one: <c>./.vols/db</c> → <c>./.vols/db-pg17</c>, volume <c>kobo_db</c> → <c>kobo_db-pg17</c>.</summary>
    public static string NewDataSource(string oldSource, bool namedVolume, int? targetMajor)
    {
        var suffix = $"-pg{targetMajor?.ToString(CultureInfo.InvariantCulture) ?? "new"}";
        return namedVolume ? oldSource + suffix : oldSource.TrimEnd('/') + suffix;
    }

    /// <summary>"1.5 GiB", "300 MiB": what an admin compares with <c>df -h</c>.</summary>
    public static string Size(long bytes) => bytes >= 1L << 30
        ? (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB"
        : (bytes / (double)(1L << 20)).ToString("0", CultureInfo.InvariantCulture) + " MiB";

    private static UpgradeCheck TargetCheck(PostgresFacts f)
    {
        var t = f.Target;
        if (t.Problem is { } problem)
        {
            return new UpgradeCheck("target image", false, true, problem);
        }

        if (t.Major is not { } major)
        {
            return new UpgradeCheck("target image", false, true, $"{t.Image} has no PostgreSQL server (no 'postgres' program found); name a PostgreSQL image.");
        }

        return major <= f.CurrentMajor
            ? new UpgradeCheck("target image", false, true, $"{t.Image} has PostgreSQL {t.Version} (major {major}), not newer than the running {f.CurrentMajor}; name an image of a newer major.")
            : new UpgradeCheck("target image", true, true, $"{t.Image} is on {f.Host} and has PostgreSQL {t.Version} (major {major}); nothing is pulled.");
    }

    private static string ChooseMethod(PostgresFacts f, string? method, out UpgradeCheck check)
    {
        switch (method ?? UpgradeMethods.Auto)
        {
            case UpgradeMethods.PgUpgrade when !f.Target.HasOldMajorBinaries:
                check = new UpgradeCheck("method", false, true,
                    $"pg_upgrade needs an image with the binaries of both majors ({f.CurrentMajor} and {f.Target.Major}); {f.Target.Image} has only its own. Use method 'dump' (or 'auto').");
                return UpgradeMethods.PgUpgrade;
            case UpgradeMethods.PgUpgrade:
                check = new UpgradeCheck("method", false, true,
                    $"{f.Target.Image} has both majors' binaries, but this console upgrades by dump and restore only; use method 'dump' (or 'auto'), or run pg_upgrade by hand.");
                return UpgradeMethods.PgUpgrade;
            default:
                check = new UpgradeCheck("method", true, true,
                    "dump and restore: pg_dumpall streamed from the running server into the new major on a new data directory; the old one is left untouched."
                    + (f.Target.HasOldMajorBinaries ? "" : $" (pg_upgrade would need an image with both majors' binaries; {f.Target.Image} has only its own.)"));
                return UpgradeMethods.Dump;
        }
    }

    private static UpgradeCheck SpaceCheck(long? free, long required, long data)
    {
        if (free is not { } bytes)
        {
            return new UpgradeCheck("free space", false, true, "the free space of the data directory's file system could not be read (df in the postgres container); free at least "
                + $"{Size(required)} and check again.");
        }

        var what = $"the new data directory needs {Size(required)} (data {Size(data)} + 10% + {Size(MarginBytes)}); the file system has {Size(bytes)} free";
        return bytes >= required
            ? new UpgradeCheck("free space", true, true, what + ".")
            : new UpgradeCheck("free space", false, true, what + $": free {Size(required - bytes)} more (old backups, docker image prune) and check again.");
    }

    private static UpgradeCheck ExtensionsCheck(PostgresFacts f)
    {
        var used = f.Extensions.Where(e => e.Name != "plpgsql").ToList();
        if (used.Count == 0)
        {
            return new UpgradeCheck("extensions", true, true, "none besides plpgsql.");
        }

        var listed = string.Join(", ", used.Select(e => $"{e.Name} {e.Version} in {e.Database}"));
        var missing = used.Select(e => e.Name).Distinct(StringComparer.Ordinal).Where(n => !f.Target.AvailableExtensions.Contains(n, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            return new UpgradeCheck("extensions", false, true, $"{listed}. {f.Target.Image} does not have {string.Join(", ", missing)}: use an image that does (for PostGIS, postgis/postgis:<major>-3.x).");
        }

        var postgis = used.Any(e => e.Name == "postgis") ? " PostGIS is upgraded with postgis_extensions_upgrade()." : "";
        return new UpgradeCheck("extensions", true, true, $"{listed}; each is updated with ALTER EXTENSION ... UPDATE after the restore.{postgis}");
    }

    private static UpgradeCheck BackupCheck(StoreProof? drill, string? skipReason, DateTimeOffset now, TimeSpan maxAge)
    {
        var fresh = drill is { Health: DrillHealth.Proven, ProvenAt: { } at } && now - at <= maxAge;
        if (fresh)
        {
            return new UpgradeCheck("backup and drill", true, true, $"the PostgreSQL backup {drill!.Backup} ({drill.ProvenAt:yyyy-MM-dd HH:mm} UTC) passed its drill.");
        }

        var why = drill switch
        {
            null or { Health: DrillHealth.Never } => "no drill of a PostgreSQL backup has succeeded",
            { Health: DrillHealth.Failed } => $"the last PostgreSQL drill failed ({drill.LastError})",
            _ => $"the newest drill-proven PostgreSQL backup is from {drill.ProvenAt:yyyy-MM-dd HH:mm} UTC, older than {maxAge.TotalHours:0} hours",
        };
        var trimmed = skipReason?.Trim() ?? "";
        return trimmed.Length >= MinReasonLength
            ? new UpgradeCheck("backup and drill", false, false, $"{why}; skipped with the reason \"{trimmed}\" (audited). The run still makes its safety backup.")
            : new UpgradeCheck("backup and drill", false, true, $"{why}: back up PostgreSQL and drill that backup first, or give skipBackupReason (at least {MinReasonLength} characters, audited).");
    }

    private static ConfigChange Change(PostgresFacts f, string newSource)
    {
        var (oldVolume, newVolume) = f.DataIsNamedVolume ? (f.DataSource, newSource) : ("./.vols/db", "./.vols/db" + newSource[f.DataSource.TrimEnd('/').Length..]);
        return new ConfigChange("kobo-docker/docker-compose.backend.override.yml", "postgres",
            [$"image: {f.CurrentImage}", $"- {oldVolume}:{f.DataPath}"],
            [$"image: {f.Target.Image}", $"- {newVolume}:{f.DataPath}"],
            $"Under 'services: postgres:' add the two lines (the override wins over docker-compose.backend.yml's 'image:' and its '{oldVolume}' volume line). "
            + "Without them the next 'docker compose up' (or kobo-install --start) recreates postgres on the old image and the old data.");
    }
}
