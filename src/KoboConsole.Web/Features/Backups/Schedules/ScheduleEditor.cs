using KoboConsole.Web.Features.Audit;

namespace KoboConsole.Web.Features.Backups.Schedules;

/// <summary>What the page and the API send to add or change a schedule; the time zone defaults to UTC.</summary>
public sealed record ScheduleRequest(IReadOnlyList<string>? Stores, string? Target, string? Cron, string? TimeZone);

/// <summary>
/// Adds, changes and deletes schedules for the page and the API alike: validates (field errors
/// named as the API's body), stores, updates the Hangfire recurring job, audits.
/// </summary>
public sealed class ScheduleEditor(BackupSchedules schedules, AuditLog audit)
{
    public static bool IsId(string id) => id.Length is > 0 and <= 64 && id.All(char.IsAsciiLetterOrDigit);

    /// <summary>Field errors (empty when the request is valid).</summary>
    public static Dictionary<string, string[]> Validate(ScheduleRequest request)
    {
        var errors = BackupService.Validate(new StartBackupRequest(request.Stores, request.Target));
        if (ScheduleRules.CronProblem(request.Cron) is { } cron)
        {
            errors["cron"] = [cron];
        }

        if (ScheduleRules.ZoneProblem(ZoneOf(request)) is { } zone)
        {
            errors["timeZone"] = [zone];
        }

        return errors;
    }

    public async Task<(BackupSchedule? Schedule, Dictionary<string, string[]> Errors)> CreateAsync(ScheduleRequest request, string source, string actor, CancellationToken cancellationToken)
    {
        var errors = Validate(request);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var schedule = await schedules.AddAsync(Stores(request), request.Target!, request.Cron!, ZoneOf(request), source, cancellationToken);
        await audit.WriteAsync(actor, "backup.schedule.create", $"schedule {schedule.Id}", "saved", Details(schedule), cancellationToken: cancellationToken);
        return (schedule, errors);
    }

    /// <summary>The changed schedule, or the errors; both null and empty when there is no such schedule.</summary>
    public async Task<(BackupSchedule? Schedule, Dictionary<string, string[]> Errors)> UpdateAsync(string id, ScheduleRequest request, string actor, CancellationToken cancellationToken)
    {
        var errors = Validate(request);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var schedule = await schedules.UpdateAsync(id, Stores(request), request.Target!, request.Cron!, ZoneOf(request), cancellationToken);
        if (schedule is not null)
        {
            await audit.WriteAsync(actor, "backup.schedule.update", $"schedule {id}", "saved", Details(schedule), cancellationToken: cancellationToken);
        }

        return (schedule, errors);
    }

    public async Task<bool> DeleteAsync(string id, string actor, CancellationToken cancellationToken)
    {
        var deleted = await schedules.DeleteAsync(id, cancellationToken);
        if (deleted)
        {
            await audit.WriteAsync(actor, "backup.schedule.delete", $"schedule {id}", "deleted", cancellationToken: cancellationToken);
        }

        return deleted;
    }

    private static string ZoneOf(ScheduleRequest request) => string.IsNullOrWhiteSpace(request.TimeZone) ? "UTC" : request.TimeZone;

    // In the order the page lists stores, each once.
    private static List<string> Stores(ScheduleRequest request) => BackupStores.All.Where(s => request.Stores!.Contains(s)).ToList();

    private static string Details(BackupSchedule s) => $"{string.Join(", ", s.Stores)} to {s.Target}, {s.Cron} {s.TimeZone}";
}
