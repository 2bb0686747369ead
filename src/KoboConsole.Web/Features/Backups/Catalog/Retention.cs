using System.Globalization;

namespace KoboConsole.Web.Features.Backups;

/// <summary>
/// How many backups to keep, as counts of backups (kobo's S3 script compared ages in days with
/// these counts and deleted "yearly" backups after two days): the last N, plus the newest backup
/// of each of the newest D days, W weeks, M months and Y years that have one.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>Prune after each successful backup; off: only the dry-run preview.</summary>
    public bool Enabled { get; set; }

    [System.ComponentModel.DataAnnotations.Range(1, 1000, ErrorMessage = "must be at least 1: the newest backup is never deleted.")]
    public int KeepLast { get; set; } = 3;

    [System.ComponentModel.DataAnnotations.Range(0, 10000, ErrorMessage = "must be 0 or more.")]
    public int Daily { get; set; } = 30;

    [System.ComponentModel.DataAnnotations.Range(0, 10000, ErrorMessage = "must be 0 or more.")]
    public int Weekly { get; set; } = 4;

    [System.ComponentModel.DataAnnotations.Range(0, 10000, ErrorMessage = "must be 0 or more.")]
    public int Monthly { get; set; } = 12;

    [System.ComponentModel.DataAnnotations.Range(0, 10000, ErrorMessage = "must be 0 or more.")]
    public int Yearly { get; set; } = 2;

    /// <summary>Also prune backups kobo's own scripts made (off: they are never touched).</summary>
    public bool IncludeKoboMade { get; set; }

    /// <summary>How many of a store's latest runs must have succeeded before anything of it is pruned.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 100, ErrorMessage = "must be between 1 and 100.")]
    public int RequireRecentSuccesses { get; set; } = 3;
}

/// <summary>The outcome of one store's recent backup run, newest first in the list given to <see cref="Retention.Plan"/>.</summary>
public sealed record RunOutcome(string Store, string Target, DateTimeOffset At, bool Succeeded);

public sealed record RetentionPlan(IReadOnlyList<BackupEntry> Keep, IReadOnlyList<BackupEntry> Delete, IReadOnlyList<string> Blocked);

public static class Retention
{
    public static RetentionPlan Plan(IReadOnlyList<BackupEntry> backups, RetentionOptions policy, IReadOnlyList<RunOutcome> recentRuns)
    {
        var keep = new List<BackupEntry>();
        var delete = new List<BackupEntry>();
        var blocked = new List<string>();
        foreach (var series in backups.GroupBy(SeriesOf).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var first = series.First();
            var candidates = series.Where(b => policy.IncludeKoboMade || b.Origin == BackupEntry.ConsoleOrigin).OrderByDescending(b => b.CreatedAt).ToList();
            keep.AddRange(series.Except(candidates));
            var runs = recentRuns.Where(r => r.Store == first.Store && r.Target == first.Target).Take(policy.RequireRecentSuccesses).ToList();
            if (runs.Count < policy.RequireRecentSuccesses || runs.Any(r => !r.Succeeded))
            {
                blocked.Add($"{series.Key}: not pruned, because {(runs.Any(r => !r.Succeeded) ? "a recent backup run failed" : "there are fewer than " + policy.RequireRecentSuccesses + " recent runs")}; the existing backups are the last good copies.");
                keep.AddRange(candidates);
                continue;
            }

            var kept = new HashSet<BackupEntry>(candidates.Take(policy.KeepLast));
            KeepNewestPer(candidates, b => b.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), policy.Daily, kept);
            KeepNewestPer(candidates, b => $"{ISOWeek.GetYear(b.CreatedAt.UtcDateTime)}-W{ISOWeek.GetWeekOfYear(b.CreatedAt.UtcDateTime)}", policy.Weekly, kept);
            KeepNewestPer(candidates, b => b.CreatedAt.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture), policy.Monthly, kept);
            KeepNewestPer(candidates, b => b.CreatedAt.UtcDateTime.Year.ToString(CultureInfo.InvariantCulture), policy.Yearly, kept);
            keep.AddRange(candidates.Where(kept.Contains));
            delete.AddRange(candidates.Where(b => !kept.Contains(b)));
        }

        return new RetentionPlan(keep, delete, blocked);
    }

    /// <summary>Backups of the same thing: store, what it holds (database or volume) and target.</summary>
    public static string SeriesOf(BackupEntry b) =>
        $"{b.Target}:{b.Store}:{BackupNames.Parse(b.Name)?.Database ?? ""}".TrimEnd(':');

    /// <summary>The newest backup of each of the newest <paramref name="count"/> periods that have one.</summary>
    private static void KeepNewestPer(List<BackupEntry> newestFirst, Func<BackupEntry, string> period, int count, HashSet<BackupEntry> kept)
    {
        foreach (var newest in newestFirst.GroupBy(period).Take(count).Select(g => g.First()))
        {
            kept.Add(newest);
        }
    }
}
