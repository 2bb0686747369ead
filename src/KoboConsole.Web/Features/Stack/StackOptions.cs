namespace KoboConsole.Web.Features.Stack;

/// <summary>Which Docker Compose projects are kobo, beyond kobo's own names.</summary>
public sealed class StackOptions
{
    public const string Section = "KoboConsole:Stack";

    /// <summary>Extra compose project names to treat as kobo (an install renamed by hand).</summary>
    public List<string> ExtraProjects { get; set; } = [];

    /// <summary>
    /// Which kobo install to manage when one engine holds several: unset = every kobo project
    /// (any prefix); empty = only unprefixed names (kobofe, kobobe, kobodocker, ...); a value =
    /// only that kobo-install prefix (<c>acme</c> for <c>acme-kobofe</c>). Maintenance, backups
    /// and restores refuse to guess when more than one install matches.
    /// </summary>
    [System.ComponentModel.DataAnnotations.RegularExpression("^[a-z0-9][a-z0-9_.-]*$|^$", ErrorMessage = "use lowercase letters, digits, '.', '_' or '-', as kobo-install's docker prefix does.")]
    public string? Prefix { get; set; }

    /// <summary>
    /// kobo-install's folder (the one holding its <c>.run.conf</c>); unset = looked for beside or
    /// above the kobo-docker folder the containers were started from.
    /// </summary>
    public string? KoboInstallDir { get; set; }
}
