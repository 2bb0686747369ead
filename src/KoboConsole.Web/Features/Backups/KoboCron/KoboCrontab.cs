using System.Text.RegularExpressions;
using KoboConsole.Web.Features.Backups.Schedules;

namespace KoboConsole.Web.Features.Backups.KoboCron;

/// <summary>One of kobo's backup crons: where kobo's toggle-backup-activation.sh writes it and what kobo's scripts delete.</summary>
public sealed record KoboCronStore(string Store, string Service, string Variable, string File, string DiskDeletes)
{
    /// <summary>What kobo's job deletes when it runs (its disk script empties the folder first; its S3 script prunes by age).</summary>
    public string Deletes(string? mode) => mode == KoboCrontab.S3
        ? $"prunes the S3 keys under {Store}/ by age (its own retention)"
        : $"deletes {DiskDeletes} before dumping";
}

/// <summary>The state of kobo's crontab in one container, read without its variables (they hold passwords).</summary>
public sealed record CrontabState(bool Present, string? Cron, string? Mode, bool SwitchedOffByConsole, bool CommentedOut, bool? DaemonRunning)
{
    public bool Active => Present && Cron is not null && !SwitchedOffByConsole && !CommentedOut;
}

/// <summary>
/// kobo's backup crontab in its containers: the shell run there to read it and to switch its job
/// line off and on. Switching off comments the job line with a marker; switching on removes exactly
/// that marker, so the file is byte for byte what kobo wrote. The file's variable lines (passwords,
/// S3 keys) never leave the container.
/// </summary>
public static partial class KoboCrontab
{
    public const string Disk = "disk";
    public const string S3 = "s3";
    public const string Marker = "#koboconsole-off# ";

    public static readonly IReadOnlyList<KoboCronStore> Stores =
    [
        new(BackupStores.Postgres, "postgres", "POSTGRES_BACKUP_SCHEDULE", "/etc/cron.d/backup_postgres_crontab", "every *.pg_dump in backups/postgres"),
        new(BackupStores.Mongo, "mongo", "MONGO_BACKUP_SCHEDULE", "/etc/cron.d/backup_mongo_crontab", "every *.gz in backups/mongo"),
        new(BackupStores.Redis, "redis_main", "REDIS_BACKUP_SCHEDULE", "/etc/cron.d/backup_redis_crontab", "every *.gz and *.rdb in backups/redis"),
    ];

    public static KoboCronStore? Find(string store) => Stores.FirstOrDefault(s => s.Store == store);

    /// <summary>Prints <c>file=present|absent</c>, each job line as <c>line=...</c> (not the variables) and <c>daemon=running|none</c>.</summary>
    public static string ReadScript(KoboCronStore store) => $$"""
        f='{{store.File}}'
        if [ -f "$f" ]; then
          echo file=present
          grep -v -E '^[A-Za-z_][A-Za-z0-9_]*=' "$f" | grep -v -E '^[[:space:]]*$' | sed 's/^/line=/'
        else
          echo file=absent
        fi
        d=none
        for c in /proc/[0-9]*/comm; do
          read -r n < "$c" 2>/dev/null || continue
          case "$n" in cron|crond) d=running; break ;; esac
        done
        echo "daemon=$d"
        exit 0
        """;

    /// <summary>
    /// Comments (off) or uncomments (on) the job line, into a temporary copy (same mode and owner)
    /// renamed over the file: cron never reads half a file, and the rename touches /etc/cron.d,
    /// which Debian's cron watches. Exit 3: the file is not there.
    /// </summary>
    public static string SwitchScript(KoboCronStore store, bool on)
    {
        var program = on
            ? "{ if (index($0, \"" + Marker + "\") == 1) $0 = substr($0, " + (Marker.Length + 1) + "); print }"
            : "/^[A-Za-z_][A-Za-z0-9_]*=/ || /^[ \\t]*$/ || /^#/ { print; next } { print \"" + Marker + "\" $0 }";
        return $$"""
            f='{{store.File}}'
            t="$(dirname "$f")/.$(basename "$f").koboconsole"
            [ -f "$f" ] || { echo "$f does not exist in this container" >&2; exit 3; }
            cp -p "$f" "$t" || exit 1
            if awk '{{program}}' "$f" > "$t" && mv "$t" "$f"; then :; else rm -f "$t"; exit 1; fi
            if command -v service >/dev/null 2>&1; then service cron reload >/dev/null 2>&1 || true; fi
            exit 0
            """;
    }

    /// <summary>Reads <see cref="ReadScript"/>'s output.</summary>
    public static CrontabState Parse(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var present = lines.Contains("file=present");
        bool? daemon = lines.Contains("daemon=running") ? true : lines.Contains("daemon=none") ? false : null;
        var jobs = lines.Where(l => l.StartsWith("line=", StringComparison.Ordinal)).Select(l => l[5..]).ToList();
        var job = jobs.FirstOrDefault(l => l.Contains("backup-to-", StringComparison.Ordinal)) ?? jobs.FirstOrDefault(l => JobLine().IsMatch(l));
        if (job is null || JobLine().Match(job) is not { Success: true } m)
        {
            return new CrontabState(present, null, null, false, false, daemon);
        }

        var mode = m.Groups["cmd"].Value.Contains("backup-to-s3", StringComparison.Ordinal) ? S3 : Disk;
        return new CrontabState(present, Normalize(m.Groups["cron"].Value), mode, m.Groups["off"].Success, m.Groups["hash"].Success, daemon);
    }

    /// <summary>A schedule from the environment: null when unset or commented out with <c>#</c> (kobo-install's "off").</summary>
    public static string? EnvSchedule(string? value) =>
        value?.Trim().Trim('"').Trim() is { Length: > 0 } v && !v.StartsWith('#') ? Normalize(v) : null;

    public static string Describe(string cron) =>
        ScheduleRules.CronProblem(cron) is null ? ScheduleRules.Describe(cron, "UTC") : $"cron '{cron}' (UTC)";

    private static string Normalize(string cron) => string.Join(' ', cron.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries));

    [GeneratedRegex(@"^(?<off>#koboconsole-off# )?(?<hash>#\s*)?(?<cron>(?:\S+[ \t]+){4}\S+)[ \t]+(?<user>\S+)[ \t]+(?<cmd>.+)$")]
    private static partial Regex JobLine();
}
