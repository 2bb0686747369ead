namespace KoboConsole.Web.Features.Backups.Schedules;

/// <summary>
/// A store is stale when its newest console-made backup is older than the last occurrence but one
/// of a schedule that covers it: one scheduled run may still be under way, two missed ones are a problem.
/// </summary>
public static class Staleness
{
    public static IReadOnlyList<string> Warnings(IReadOnlyList<BackupSchedule> schedules, IReadOnlyList<BackupEntry> catalog, DateTimeOffset now) =>
        Find(schedules, catalog, now).Select(s => s.Message).ToList();

    /// <summary>The stale stores, each with its target (the background checks keep one check per store and target).</summary>
    public static IReadOnlyList<StaleStore> Find(IReadOnlyList<BackupSchedule> schedules, IReadOnlyList<BackupEntry> catalog, DateTimeOffset now)
    {
        var warnings = new List<StaleStore>();
        foreach (var schedule in schedules.Where(s => s.Enabled))
        {
            var zone = ScheduleRules.Zone(schedule.TimeZone) ?? TimeZoneInfo.Utc;
            var previous = Cronos.CronExpression.Parse(schedule.Cron, Cronos.CronFormat.Standard)
                .GetOccurrences(now.AddDays(-400), now, zone, fromInclusive: true, toInclusive: true).TakeLast(2).ToList();
            if (previous.Count < 2)
            {
                continue;
            }

            foreach (var store in schedule.Stores)
            {
                var newest = catalog.Where(e => e.Store == store && e.Target == schedule.Target && e.Origin == BackupEntry.ConsoleOrigin && !e.IsMissing)
                    .Select(e => (DateTimeOffset?)e.CreatedAt).Max();
                if (newest is null || newest < previous[0])
                {
                    var age = newest is { } n ? $"is from {n:yyyy-MM-dd HH:mm} UTC" : "does not exist";
                    warnings.Add(new StaleStore(store, schedule.Target, $"{store} ({schedule.Target}): the newest good backup {age}, but '{ScheduleRules.Describe(schedule.Cron, schedule.TimeZone)}' should have made one since {previous[0]:yyyy-MM-dd HH:mm} UTC. Check the history for failed runs."));
                }
            }
        }

        return warnings;
    }
}

public sealed record StaleStore(string Store, string Target, string Message);
