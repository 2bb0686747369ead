using KoboConsole.Web.Features.Audit;

namespace KoboConsole.Web.Features.Backups.Schedules;

/// <summary>What the page and the API send to add or change a schedule; the time zone defaults to UTC.</summary>
public sealed record ScheduleRequest(IReadOnlyList<string>? Stores, string? Target, string? Cron, string? TimeZone);

/// <summary>
/// Adds, changes and deletes schedules for the page and the API alike: validates (field errors
/// named as the API's body), stores, updates the Hangfire recurring job, audits every change,
/// saved or rejected.
/// </summary>
public sealed class ScheduleEditor(BackupSchedules schedules, AuditLog audit, BackupTargetResolver targets)
{
    public const string NotAnId = "is not a schedule id: ids are letters and digits, as GET /api/v1/backups/schedules lists them.";
    private const string NoSuchSchedule = "no such schedule";

    public static bool IsId(string id) => id.Length is > 0 and <= 64 && id.All(char.IsAsciiLetterOrDigit);

    /// <summary>Field errors (empty when the request is valid).</summary>
    public Dictionary<string, string[]> Validate(ScheduleRequest request)
    {
        var errors = BackupService.Validate(new StartBackupRequest(request.Stores, request.Target), targets.S3Configured);
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
            await RejectedAsync(actor, "backup.schedule.create", "schedule", Describe(errors), cancellationToken);
            return (null, errors);
        }

        var schedule = await schedules.AddAsync(Stores(request), request.Target!, request.Cron!, ZoneOf(request), source, cancellationToken);
        await audit.WriteAsync(actor, "backup.schedule.create", $"schedule {schedule.Id}", "saved", Details(schedule), cancellationToken: cancellationToken);
        return (schedule, errors);
    }

    /// <summary>The changed schedule, or the errors; both null and empty when there is no such schedule.</summary>
    public async Task<(BackupSchedule? Schedule, Dictionary<string, string[]> Errors)> UpdateAsync(string id, ScheduleRequest request, string actor, CancellationToken cancellationToken)
    {
        var errors = IsId(id) ? Validate(request) : new() { ["id"] = [NotAnId] };
        if (errors.Count > 0)
        {
            await RejectedAsync(actor, "backup.schedule.update", Target(id), Describe(errors), cancellationToken);
            return (null, errors);
        }

        var schedule = await schedules.UpdateAsync(id, Stores(request), request.Target!, request.Cron!, ZoneOf(request), cancellationToken);
        if (schedule is null)
        {
            await RejectedAsync(actor, "backup.schedule.update", Target(id), NoSuchSchedule, cancellationToken);
        }
        else
        {
            await audit.WriteAsync(actor, "backup.schedule.update", Target(id), "saved", Details(schedule), cancellationToken: cancellationToken);
        }

        return (schedule, errors);
    }

    public async Task<bool> DeleteAsync(string id, string actor, CancellationToken cancellationToken)
    {
        if (!IsId(id))
        {
            await RejectedAsync(actor, "backup.schedule.delete", Target(id), $"id: {NotAnId}", cancellationToken);
            return false;
        }

        var deleted = await schedules.DeleteAsync(id, cancellationToken);
        if (deleted)
        {
            await audit.WriteAsync(actor, "backup.schedule.delete", Target(id), "deleted", cancellationToken: cancellationToken);
        }
        else
        {
            await RejectedAsync(actor, "backup.schedule.delete", Target(id), NoSuchSchedule, cancellationToken);
        }

        return deleted;
    }

    // A refused change is audited like a saved one (issue #8: every change, with its outcome), the field errors as the API names them.
    private Task RejectedAsync(string actor, string action, string target, string details, CancellationToken cancellationToken) =>
        audit.WriteAsync(actor, action, target, "rejected", details, cancellationToken: cancellationToken);

    private static string Describe(Dictionary<string, string[]> errors) => string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));

    // An id as sent: an invalid one may be anything, so it is cut short.
    private static string Target(string id) => "schedule " + (id.Length > 64 ? id[..64] + "…" : id);

    private static string ZoneOf(ScheduleRequest request) => string.IsNullOrWhiteSpace(request.TimeZone) ? "UTC" : request.TimeZone;

    // In the order the page lists stores, each once.
    private static List<string> Stores(ScheduleRequest request) => BackupStores.All.Where(s => request.Stores!.Contains(s)).ToList();

    private static string Details(BackupSchedule s) => $"{string.Join(", ", s.Stores)} to {s.Target}, {s.Cron} {s.TimeZone}";
}
