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

    /// <summary>How often the capacity checks run (free space, Redis memory, PostgreSQL connections, log rotation).</summary>
    [Range(60, 86400, ErrorMessage = "must be between 60 and 86400 seconds (300 suits most installs).")]
    public int CapacityIntervalSeconds { get; set; } = 300;

    /// <summary>A filesystem this full (percent used) is a warning.</summary>
    [Range(1, 100, ErrorMessage = "must be a percentage between 1 and 100.")]
    public int DiskWarningPercent { get; set; } = 85;

    /// <summary>A filesystem this full (percent used) is failing.</summary>
    [Range(1, 100, ErrorMessage = "must be a percentage between 1 and 100.")]
    public int DiskFailingPercent { get; set; } = 95;

    /// <summary>A filesystem forecast to be full within this many days is a warning.</summary>
    [Range(0, 3650, ErrorMessage = "must be between 0 and 3650 days.")]
    public int RunOutWarningDays { get; set; } = 14;

    /// <summary>A filesystem forecast to be full within this many days is failing.</summary>
    [Range(0, 3650, ErrorMessage = "must be between 0 and 3650 days.")]
    public int RunOutFailingDays { get; set; } = 3;

    /// <summary>The forecast's rate is fitted over the free-space samples of this many days (and samples are kept this long).</summary>
    [Range(1, 90, ErrorMessage = "must be between 1 and 90 days.")]
    public int ForecastDays { get; set; } = 7;

    [Range(1, 100, ErrorMessage = "must be a percentage between 1 and 100.")]
    public int RedisMemoryWarningPercent { get; set; } = 80;

    [Range(1, 100, ErrorMessage = "must be a percentage between 1 and 100.")]
    public int RedisMemoryFailingPercent { get; set; } = 95;

    [Range(1, 100, ErrorMessage = "must be a percentage between 1 and 100.")]
    public int PostgresConnectionsWarningPercent { get; set; } = 80;

    [Range(1, 100, ErrorMessage = "must be a percentage between 1 and 100.")]
    public int PostgresConnectionsFailingPercent { get; set; } = 95;

    public TimeSpan CapacityInterval => TimeSpan.FromSeconds(CapacityIntervalSeconds);

    public TimeSpan ServiceInterval => TimeSpan.FromSeconds(ServiceIntervalSeconds);

    public TimeSpan DataInterval => TimeSpan.FromSeconds(DataIntervalSeconds);
}
