using System.ComponentModel.DataAnnotations;

namespace KoboConsole.Web.Features.Checks;

public sealed class ChecksOptions
{
    public const string Section = "KoboConsole:Checks";

    /// <summary>Off: no check runs in this console instance (another instance, or none, watches).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the service checks run (HTTP through nginx, probes, containers).</summary>
    [Range(5, 3600, ErrorMessage = "must be between 5 and 3600 seconds (30 suits most installs).")]
    public int ServiceIntervalSeconds { get; set; } = 30;

    /// <summary>How often the data-protection checks run (they list the backup targets).</summary>
    [Range(60, 86400, ErrorMessage = "must be between 60 and 86400 seconds.")]
    public int DataIntervalSeconds { get; set; } = 600;

    /// <summary>A container restarting more than this many times within <see cref="RestartLoopMinutes"/> is in a restart loop.</summary>
    [Range(1, 1000, ErrorMessage = "must be between 1 and 1000 restarts.")]
    public int RestartLoopCount { get; set; } = 3;

    [Range(1, 1440, ErrorMessage = "must be between 1 and 1440 minutes.")]
    public int RestartLoopMinutes { get; set; } = 10;

    /// <summary>State changes older than this are pruned (daily).</summary>
    [Range(1, 3650, ErrorMessage = "must be between 1 and 3650 days.")]
    public int RetentionDays { get; set; } = 90;

    /// <summary>A JSON POST on every state change; unset: <c>KoboConsole:Backups:WebhookUrl</c>, if set.</summary>
    [Url(ErrorMessage = "must be an absolute URL such as https://hooks.example.org/kobo.")]
    public string? WebhookUrl { get; set; }

    /// <summary>The console's own address, for the link in alerts (e.g. https://console.example.org); unset: no link.</summary>
    [Url(ErrorMessage = "must be an absolute URL such as https://console.example.org.")]
    public string? PublicUrl { get; set; }

    public TimeSpan ServiceInterval => TimeSpan.FromSeconds(ServiceIntervalSeconds);

    public TimeSpan DataInterval => TimeSpan.FromSeconds(DataIntervalSeconds);
}
