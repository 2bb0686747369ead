using System.ComponentModel.DataAnnotations;

namespace KoboConsole.Web.Features.Restores;

public sealed class RestoresOptions
{
    public const string Section = "KoboConsole:Restores";

    /// <summary>How long kpi may take to answer <c>/service_health/</c> with 200 after the writers start.</summary>
    [Range(5, 3600, ErrorMessage = "must be between 5 and 3600 seconds.")]
    public int HealthTimeoutSeconds { get; set; } = 180;

    /// <summary>Seconds Docker gives each writer to stop before killing it.</summary>
    [Range(1, 600, ErrorMessage = "must be between 1 and 600 seconds.")]
    public int WriterStopTimeoutSeconds { get; set; } = 30;

    /// <summary>How long Redis may take to start and load the restored dump.</summary>
    [Range(5, 3600, ErrorMessage = "must be between 5 and 3600 seconds.")]
    public int RedisStartTimeoutSeconds { get; set; } = 120;

    /// <summary>Where the safety backup goes: <c>disk</c> (default, fastest to restore) or <c>s3</c>.</summary>
    [RegularExpression("^(disk|s3)$", ErrorMessage = "use disk or s3.")]
    public string SafetyTarget { get; set; } = "disk";
}
