using System.ComponentModel.DataAnnotations;

namespace KoboConsole.Web.Features.Maintenance;

public sealed class MaintenanceOptions
{
    public const string Section = "KoboConsole:Maintenance";

    /// <summary>Image of the maintenance container; unset = the image nginx already runs (nothing to pull).</summary>
    public string? Image { get; set; }

    /// <summary>How long the page (or nginx after turning off) may take to answer before the switch rolls back.</summary>
    [Range(1, 300, ErrorMessage = "use 1 to 300 seconds.")]
    public int VerifyTimeoutSeconds { get; set; } = 20;

    /// <summary>Seconds Docker gives nginx (or the maintenance container) to stop before killing it.</summary>
    [Range(0, 120, ErrorMessage = "use 0 to 120 seconds.")]
    public int StopTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// Keep a maintenance container created (never started) beside every running nginx, so turning
    /// maintenance on is a stop and a start (decision 0028). Off: the switch creates it each time.
    /// </summary>
    public bool PrepareAhead { get; set; } = true;

    /// <summary>Contact shown on the page when the admin gives none and kobo's configuration has none.</summary>
    [EmailAddress(ErrorMessage = "use one e-mail address such as support@example.org.")]
    public string? DefaultEmail { get; set; }
}
