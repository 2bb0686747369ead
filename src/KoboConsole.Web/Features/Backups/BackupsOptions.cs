using System.ComponentModel.DataAnnotations;

namespace KoboConsole.Web.Features.Backups;

public sealed class BackupsOptions
{
    public const string Section = "KoboConsole:Backups";

    /// <summary>
    /// The disk target's directory (kobo's layout below it: postgres/, mongo/, redis/, media/,
    /// manifests/). Unset: kobo's own <c>&lt;kobo-docker&gt;/backups</c> when Compose's working_dir is
    /// on this machine, else <c>backups</c> under the data directory.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>The domain in file names; unset: <c>PUBLIC_DOMAIN_NAME</c> from the back-end containers.</summary>
    [RegularExpression("^[A-Za-z0-9.-]*$", ErrorMessage = "use a host name such as kobo.example.org (letters, digits, '.', '-').")]
    public string? Domain { get; set; }

    /// <summary>How long Redis may take to finish BGSAVE.</summary>
    [Range(1, 3600, ErrorMessage = "must be between 1 and 3600 seconds.")]
    public int RedisSaveTimeoutSeconds { get; set; } = 300;

    /// <summary>Optional: a JSON POST here when a run ends, succeeded or failed.</summary>
    [Url(ErrorMessage = "must be an absolute URL such as https://hooks.example.org/kobo.")]
    public string? WebhookUrl { get; set; }

    /// <summary>Automatic reruns of a failed item (0 or 1: a dump never runs ten times).</summary>
    [Range(0, 1, ErrorMessage = "must be 0 or 1: a failed dump is rerun at most once.")]
    public int ItemRetries { get; set; } = 1;
}
