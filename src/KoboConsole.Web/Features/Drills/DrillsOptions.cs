using System.ComponentModel.DataAnnotations;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Backups.Schedules;

namespace KoboConsole.Web.Features.Drills;

public sealed class DrillsOptions : IValidatableObject
{
    public const string Section = "KoboConsole:Drills";

    /// <summary>The dashboard turns a store red when its last proven backup is older than this.</summary>
    [Range(1, 366, ErrorMessage = "must be between 1 and 366 days (8 suits a weekly drill of daily backups).")]
    public int MaxAgeDays { get; set; } = 8;

    /// <summary>Five-field cron for scheduled drills; unset: no schedule (drills run on demand only).</summary>
    public string? Schedule { get; set; }

    /// <summary>Time zone of <see cref="Schedule"/> (IANA name).</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Stores a scheduled drill covers; unset: every store.</summary>
    public string[]? ScheduleStores { get; set; }

    /// <summary>How long a throwaway database may take to accept commands after it started.</summary>
    [Range(5, 3600, ErrorMessage = "must be between 5 and 3600 seconds.")]
    public int ReadyTimeoutSeconds { get; set; } = 120;

    public IReadOnlyList<string> StoresForSchedule =>
        ScheduleStores is { Length: > 0 } s ? BackupStores.All.Where(s.Contains).ToList() : BackupStores.All;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(Schedule) && ScheduleRules.Problem(Schedule, TimeZone) is { } problem)
        {
            yield return new ValidationResult(problem, [nameof(Schedule)]);
        }

        if (ScheduleStores?.FirstOrDefault(s => !BackupStores.All.Contains(s)) is { } unknown)
        {
            yield return new ValidationResult($"'{unknown}' is not a store; use {string.Join(", ", BackupStores.All)}.", [nameof(ScheduleStores)]);
        }
    }
}
