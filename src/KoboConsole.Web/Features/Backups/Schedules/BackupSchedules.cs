using Dapper;
using Hangfire;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Backups.Schedules;

public sealed record BackupSchedule(string Id, IReadOnlyList<string> Stores, string Target, string Cron, string TimeZone, bool Enabled, string Source);

/// <summary>
/// Schedules in the console's database, mirrored into Hangfire recurring jobs (cron + time zone).
/// Hangfire's default misfire handling runs a schedule missed while the console was down once at
/// start-up, not once per missed occurrence.
/// </summary>
public sealed class BackupSchedules(ConsoleDb db, IRecurringJobManager recurring)
{
    public static string JobId(string scheduleId) => $"backup-schedule-{scheduleId}";

    public async Task<IReadOnlyList<BackupSchedule>> ListAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.QueryAsync<Row>(new CommandDefinition(
            "SELECT id AS Id, stores AS Stores, target AS Target, cron AS Cron, time_zone AS TimeZone, enabled AS Enabled, source AS Source FROM backup_schedules ORDER BY created_at",
            cancellationToken: cancellationToken));
        return rows.Select(r => r.ToSchedule()).ToList();
    }

    public async Task<BackupSchedule?> GetAsync(string id, CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken)).FirstOrDefault(s => s.Id == id);

    /// <summary>Adds a schedule (validated by the caller with <see cref="ScheduleRules.Problem"/>) and registers its job.</summary>
    public async Task<BackupSchedule> AddAsync(IReadOnlyList<string> stores, string target, string cron, string timeZone, string source, CancellationToken cancellationToken)
    {
        var schedule = new BackupSchedule(Guid.NewGuid().ToString("N")[..12], stores, target, cron.Trim(), timeZone, true, source);
        await using var c = await db.OpenAsync(cancellationToken);
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO backup_schedules (id, stores, target, cron, time_zone, enabled, source, created_at) VALUES (@Id, @stores, @Target, @Cron, @TimeZone, 1, @Source, @now)",
            new { schedule.Id, stores = string.Join(',', stores), schedule.Target, schedule.Cron, schedule.TimeZone, schedule.Source, now = ConsoleDb.Now() },
            cancellationToken: cancellationToken));
        Register(schedule);
        return schedule;
    }

    /// <summary>Changes a schedule (validated by the caller) and its job; null when there is no such schedule.</summary>
    public async Task<BackupSchedule?> UpdateAsync(string id, IReadOnlyList<string> stores, string target, string cron, string timeZone, CancellationToken cancellationToken)
    {
        await using (var c = await db.OpenAsync(cancellationToken))
        {
            var changed = await c.ExecuteAsync(new CommandDefinition(
                "UPDATE backup_schedules SET stores = @stores, target = @target, cron = @cron, time_zone = @timeZone WHERE id = @id",
                new { id, stores = string.Join(',', stores), target, cron = cron.Trim(), timeZone }, cancellationToken: cancellationToken));
            if (changed == 0)
            {
                return null;
            }
        }

        var schedule = await GetAsync(id, cancellationToken);
        if (schedule is { Enabled: true })
        {
            Register(schedule);
        }

        return schedule;
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var deleted = await c.ExecuteAsync(new CommandDefinition("DELETE FROM backup_schedules WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        recurring.RemoveIfExists(JobId(id));
        return deleted == 1;
    }

    /// <summary>Makes Hangfire's recurring jobs match the table (at start-up).</summary>
    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        foreach (var schedule in await ListAsync(cancellationToken))
        {
            if (schedule.Enabled)
            {
                Register(schedule);
            }
            else
            {
                recurring.RemoveIfExists(JobId(schedule.Id));
            }
        }
    }

    private void Register(BackupSchedule schedule) =>
        recurring.AddOrUpdate<ScheduledBackupJob>(JobId(schedule.Id), j => j.RunAsync(schedule.Id, CancellationToken.None), schedule.Cron,
            new RecurringJobOptions { TimeZone = ScheduleRules.Zone(schedule.TimeZone) ?? TimeZoneInfo.Utc });

    private sealed class Row
    {
        public string Id { get; set; } = "";
        public string Stores { get; set; } = "";
        public string Target { get; set; } = "";
        public string Cron { get; set; } = "";
        public string TimeZone { get; set; } = "";
        public long Enabled { get; set; }
        public string Source { get; set; } = "";

        public BackupSchedule ToSchedule() => new(Id, Stores.Split(',', StringSplitOptions.RemoveEmptyEntries), Target, Cron, TimeZone, Enabled == 1, Source);
    }
}
