namespace KoboConsole.Web.Features.Stack;

public enum KoboRole
{
    Frontend,
    Backend,
    Maintenance,
    Edge,
    Other,
}

/// <summary>
/// How kobo-docker names things, in every generation (see shared/kobo-reference.md): compose
/// project names identify an install, service names give the role, also inside a single
/// legacy project that holds front end and back end together.
/// </summary>
public static class KoboNames
{
    public const string ProjectLabel = "com.docker.compose.project";
    public const string ServiceLabel = "com.docker.compose.service";
    public const string OneOffLabel = "com.docker.compose.oneoff";

    /// <summary>
    /// The console's maintenance container prepared ahead (created, never started while nginx runs):
    /// not part of the stack until it serves, so discovery leaves it out while it is not running.
    /// </summary>
    public const string PreparedLabel = "org.koboconsole.maintenance.prepared";

    private static readonly string[] SplitProjects = ["kobofe", "kobobe", "kobomaintenance"];
    private static readonly string[] WholeProjects = ["kobodocker", "kobo-docker", "nginx-certbot"];

    private static readonly Dictionary<string, KoboRole> Roles = new(StringComparer.Ordinal)
    {
        ["nginx"] = KoboRole.Frontend,
        ["kpi"] = KoboRole.Frontend,
        ["enketo_express"] = KoboRole.Frontend,
        ["worker"] = KoboRole.Frontend,
        ["worker_low_priority"] = KoboRole.Frontend,
        ["worker_long_running_tasks"] = KoboRole.Frontend,
        ["worker_kobocat"] = KoboRole.Frontend,
        ["beat"] = KoboRole.Frontend,
        ["kobocat"] = KoboRole.Frontend,
        ["dkobo"] = KoboRole.Frontend,
        ["postgres"] = KoboRole.Backend,
        ["mongo"] = KoboRole.Backend,
        ["redis_main"] = KoboRole.Backend,
        ["redis_cache"] = KoboRole.Backend,
        ["rabbit"] = KoboRole.Backend,
        ["maintenance"] = KoboRole.Maintenance,
        ["nginx_ssl_proxy"] = KoboRole.Edge,
        ["certbot"] = KoboRole.Edge,
    };

    /// <summary>The services that write to the databases: stopped during a restore.</summary>
    public static readonly IReadOnlyList<string> Writers =
        ["kpi", "worker", "worker_low_priority", "worker_long_running_tasks", "worker_kobocat", "beat", "enketo_express", "kobocat"];

    /// <summary>
    /// True for kobo's own project names, any <c>&lt;prefix&gt;-kobofe</c>-style name, and the
    /// configured extras; with <paramref name="prefix"/> set (see <see cref="StackOptions.Prefix"/>),
    /// only the names of that install (and the extras).
    /// </summary>
    public static bool IsKoboProject(string project, IEnumerable<string>? extraProjects = null, string? prefix = null)
    {
        if (prefix is not null && !string.IsNullOrEmpty(project) && extraProjects?.Contains(project, StringComparer.Ordinal) != true)
        {
            return PrefixOf(project) == prefix && IsKoboProject(project);
        }

        if (string.IsNullOrEmpty(project))
        {
            return false;
        }

        if (WholeProjects.Contains(project, StringComparer.Ordinal) || SplitProjects.Contains(project, StringComparer.Ordinal))
        {
            return true;
        }

        if (SplitProjects.Any(p => project.EndsWith("-" + p, StringComparison.Ordinal) && project.Length > p.Length + 1))
        {
            return true;
        }

        return extraProjects?.Contains(project, StringComparer.Ordinal) == true;
    }

    /// <summary>The kobo-install prefix of a kobo project name ("" when it has none, null when not kobo).</summary>
    public static string? PrefixOf(string project)
    {
        if (WholeProjects.Contains(project, StringComparer.Ordinal) || SplitProjects.Contains(project, StringComparer.Ordinal))
        {
            return "";
        }

        var split = SplitProjects.FirstOrDefault(p => project.EndsWith("-" + p, StringComparison.Ordinal) && project.Length > p.Length + 1);
        return split is null ? null : project[..^(split.Length + 1)];
    }

    public static KoboRole RoleOf(string service) => Roles.GetValueOrDefault(service, KoboRole.Other);

    public static string ToApi(this KoboRole role) => role switch
    {
        KoboRole.Frontend => "frontend",
        KoboRole.Backend => "backend",
        KoboRole.Maintenance => "maintenance",
        KoboRole.Edge => "edge",
        _ => "other",
    };
}
