using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Topology;

/// <summary>
/// What a link needs to know about one container: its network view, its extra_hosts and, for
/// PostgreSQL, its replication role (<see cref="PostgresRole"/>: kobo's <c>master</c>/<c>slave</c>
/// or <c>primary</c>/<c>secondary</c>; null for other services).
/// </summary>
public sealed record LinkEnd(string Id, string Host, string Service, IReadOnlyList<NetworkAttachment> Networks, IReadOnlyList<string> ExtraHosts, PostgresRole? DbRole = null)
{
    public bool IsSecondaryPostgres => Service == "postgres" && DbRole?.IsSecondary == true;

    /// <summary>A primary a secondary streams from: not a secondary, and not a role word the console does not know.</summary>
    public bool IsPrimaryPostgres => Service == "postgres" && (DbRole ?? PostgresRole.Standalone).IsPrimary;
}

/// <summary>
/// kobo's connections (shared/kobo-reference.md §2) and when a link between two containers is
/// broken: they share no network on the same engine and no extra_hosts name points at the target.
/// </summary>
public static class KoboRelations
{
    private static readonly string[] Workers =
        ["kpi", "worker", "worker_low_priority", "worker_long_running_tasks", "worker_kobocat", "beat", "kobocat"];

    /// <summary>(from service, to service, kind).</summary>
    public static readonly IReadOnlyList<(string From, string To, string Kind)> All = Build();

    /// <summary>The names kobo's front end uses for each back-end service in multi-server installs.</summary>
    private static readonly Dictionary<string, string[]> PrivateNames = new(StringComparer.Ordinal)
    {
        ["postgres"] = ["postgres.kobo.private"],
        ["mongo"] = ["mongo.kobo.private"],
        ["redis_main"] = ["redis-main.kobo.private"],
        ["redis_cache"] = ["redis-cache.kobo.private"],
        ["nginx"] = ["nginx.internal"],
    };

    private static List<(string, string, string)> Build()
    {
        var list = new List<(string, string, string)>
        {
            ("nginx_ssl_proxy", "nginx", "http"),
            ("nginx", "kpi", "http"),
            ("nginx", "enketo_express", "http"),
            ("nginx", "kobocat", "http"),
            ("nginx", "dkobo", "http"),
            ("enketo_express", "redis_main", "redis"),
            ("enketo_express", "redis_cache", "redis"),
            ("kpi", "rabbit", "amqp"),
            ("kobocat", "rabbit", "amqp"),
        };
        foreach (var w in Workers)
        {
            list.Add((w, "postgres", "postgres"));
            list.Add((w, "mongo", "mongo"));
            list.Add((w, "redis_main", "redis"));
            list.Add((w, "redis_cache", "redis"));
        }

        return list;
    }

    /// <summary>Every relation whose two ends exist, one link per pair of containers.</summary>
    public static IReadOnlyList<TopologyLink> Links(IReadOnlyList<LinkEnd> containers)
    {
        var byService = containers.ToLookup(c => c.Service, StringComparer.Ordinal);
        var links = new List<TopologyLink>();
        foreach (var (from, to, kind) in All)
        {
            foreach (var a in byService[from])
            {
                // kobo's services write to the primary only; a secondary gets the replication link below.
                foreach (var b in byService[to].Where(b => !b.IsSecondaryPostgres))
                {
                    links.Add(new TopologyLink(a.Id, b.Id, kind, !CanReach(a, b)));
                }
            }
        }

        foreach (var secondary in byService["postgres"].Where(p => p.IsSecondaryPostgres))
        {
            foreach (var primary in byService["postgres"].Where(p => p.IsPrimaryPostgres))
            {
                // The secondary reaches its primary at KOBO_POSTGRES_MASTER_ENDPOINT, an address on
                // the LAN that Docker cannot vouch for: across hosts the link is drawn, not judged.
                var broken = secondary.Host == primary.Host && !CanReach(secondary, primary);
                links.Add(new TopologyLink(secondary.Id, primary.Id, "replication", broken));
            }
        }

        return links;
    }

    /// <summary>True when <paramref name="from"/> shares a network with <paramref name="to"/> on one engine, or maps one of its names in extra_hosts.</summary>
    public static bool CanReach(LinkEnd from, LinkEnd to)
    {
        if (from.Host == to.Host && from.Networks.Any(a => to.Networks.Any(b => SameNetwork(a, b))))
        {
            return true;
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { to.Service };
        names.UnionWith(to.Networks.SelectMany(n => n.Aliases));
        names.UnionWith(PrivateNames.GetValueOrDefault(to.Service, []));
        return from.ExtraHosts.Select(HostNameOf).Any(names.Contains);
    }

    // Docker's default bridge, host and none networks give no name resolution between containers.
    private static bool SameNetwork(NetworkAttachment a, NetworkAttachment b) =>
        a.Name is not ("bridge" or "host" or "none") && (a.NetworkId is not null && b.NetworkId is not null ? a.NetworkId == b.NetworkId : a.Name == b.Name);

    /// <summary>Docker keeps extra_hosts as <c>name:ip</c> (IPv6 addresses contain colons too).</summary>
    private static string HostNameOf(string entry)
    {
        var colon = entry.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? entry : entry[..colon];
    }
}
