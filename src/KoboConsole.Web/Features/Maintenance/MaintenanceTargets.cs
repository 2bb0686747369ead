using KoboConsole.Web.Features.Stack;

namespace KoboConsole.Web.Features.Maintenance;

/// <summary>
/// Labels on the console's maintenance containers. <see cref="Marker"/> says "ours"; the field
/// labels are only read from containers of earlier versions (the fields now travel in the
/// container, <see cref="MaintenanceContainer.RecordPath"/>, so the container can be made ahead).
/// </summary>
public static class MaintenanceLabels
{
    public const string Marker = "org.koboconsole.maintenance";
    public const string Eta = Marker + ".eta";
    public const string DateIso = Marker + ".date-iso";
    public const string DateStr = Marker + ".date-str";
    public const string Email = Marker + ".email";
    public const string Since = Marker + ".since";
    public const string By = Marker + ".by";
    public const string Prepared = KoboNames.PreparedLabel;
}

/// <summary>nginx and the maintenance containers of one Docker host.</summary>
public sealed record FrontEndHost(string Host, KoboContainer Nginx, IReadOnlyList<KoboContainer> Maintenance, string MaintenanceProject)
{
    public string State => (Nginx.Running, Maintenance.Any(m => m.Running)) switch
    {
        (true, true) => "conflict",
        (true, false) => "off",
        (false, true) => "on",
        _ => "down",
    };

    public KoboContainer? RunningMaintenance => Maintenance.FirstOrDefault(m => m.Running);
}

/// <summary>Finds the front ends to switch in a discovery snapshot: one nginx per host, of one kobo install.</summary>
public static class MaintenanceTargets
{
    /// <summary>The hosts, or a message saying why none can be switched.</summary>
    public static (IReadOnlyList<FrontEndHost> Hosts, string? Error) Find(StackSnapshot snapshot)
    {
        var nginx = snapshot.Containers.Where(c => c.Service == "nginx" && c.Role == KoboRole.Frontend && !c.OneOff).ToList();
        if (nginx.Count == 0)
        {
            var down = snapshot.Hosts.Where(h => !h.Reachable).Select(h => h.Name).ToList();
            return ([], down.Count > 0
                ? $"No kobo nginx container was found; Docker host(s) {string.Join(", ", down)} did not answer (see the overview page)."
                : "No kobo nginx container was found on the configured Docker hosts: check KoboConsole:Docker:Hosts and KoboConsole:Stack:Prefix.");
        }

        var installs = nginx.Select(n => KoboNames.PrefixOf(n.Project) ?? n.Project).Distinct(StringComparer.Ordinal).ToList();
        if (installs.Count > 1)
        {
            return ([], $"Several kobo installs were found ({string.Join(", ", installs.Select(i => i.Length == 0 ? "(no prefix)" : i))}): "
                + "set KoboConsole:Stack:Prefix to the one this console manages.");
        }

        var perHost = nginx.GroupBy(n => n.Host, StringComparer.Ordinal).ToList();
        if (perHost.FirstOrDefault(g => g.Count() > 1) is { } crowded)
        {
            return ([], $"Docker host '{crowded.Key}' runs several kobo nginx containers ({string.Join(", ", crowded.Select(c => c.Name))}); remove the extra ones first.");
        }

        var hosts = perHost.Select(g =>
        {
            var n = g.Single();
            var maintenance = snapshot.Containers.Where(c => c.Host == g.Key && c.Role == KoboRole.Maintenance && !c.OneOff).ToList();
            return new FrontEndHost(g.Key, n, maintenance, MaintenanceProjectOf(n.Project));
        }).OrderBy(h => h.Host, StringComparer.Ordinal).ToList();
        return (hosts, null);
    }

    /// <summary>kobo-install's project for the maintenance container: <c>&lt;prefix&gt;-kobomaintenance</c>.</summary>
    public static string MaintenanceProjectOf(string frontendProject)
    {
        var prefix = KoboNames.PrefixOf(frontendProject);
        return string.IsNullOrEmpty(prefix) ? "kobomaintenance" : prefix + "-kobomaintenance";
    }

    /// <summary>The overall state: the hosts' common state, <c>conflict</c> when they disagree.</summary>
    public static string Overall(IReadOnlyList<FrontEndHost> hosts)
    {
        var states = hosts.Select(h => h.State).Distinct(StringComparer.Ordinal).ToList();
        return states.Count switch
        {
            0 => "down",
            1 => states[0],
            _ => "conflict",
        };
    }
}
