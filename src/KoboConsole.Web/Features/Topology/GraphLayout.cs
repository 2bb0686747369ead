namespace KoboConsole.Web.Features.Topology;

/// <summary>How a service looks as a whole: every replica fine, some down, all down, or unhealthy.</summary>
public enum NodeState
{
    Running,
    Degraded,
    Starting,
    Down,

    /// <summary>Stopped on purpose: nginx while the maintenance page serves in its place (planned, not an outage).</summary>
    Maintenance,
}

/// <summary>One service (all its replicas on every host) placed on the picture.</summary>
public sealed record GraphNode(string Service, string Role, int Count, int Running, IReadOnlyList<string> Hosts, NodeState State, int X, int Y)
{
    public string StateName => State.ToString().ToLowerInvariant();
}

public sealed record GraphEdge(GraphNode From, GraphNode To, string Kind, bool Broken);

public sealed record GraphLane(string Title, int X, int Width);

/// <summary>
/// Places one node per service in lanes, left to right: edge, front end (nginx, then the apps),
/// back end, maintenance, other. Pure and deterministic, so the SVG is testable.
/// </summary>
public sealed record GraphLayout(IReadOnlyList<GraphLane> Lanes, IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphEdge> Edges, int Width, int Height)
{
    public const int NodeWidth = 190;
    public const int NodeHeight = 48;
    private const int ColumnWidth = 240;
    private const int Top = 40;
    private const int RowGap = 16;
    private static readonly string[] WebTier = ["nginx", "nginx_ssl_proxy", "certbot"];

    public static GraphLayout From(TopologyView view)
    {
        var groups = view.Containers.GroupBy(c => c.Service, StringComparer.Ordinal)
            .Select(g => (Service: g.Key, Items: g.ToList(), Column: ColumnOf(g.First().Role, g.Key)))
            .OrderBy(g => g.Column).ThenBy(g => Rank(g.Service)).ThenBy(g => g.Service, StringComparer.Ordinal)
            .ToList();
        var columns = groups.Select(g => g.Column).Distinct().Order().ToList();
        var nodes = new List<GraphNode>();
        foreach (var column in columns)
        {
            var x = 20 + (columns.IndexOf(column) * ColumnWidth);
            var row = 0;
            foreach (var g in groups.Where(g => g.Column == column))
            {
                var running = g.Items.Count(c => c.State == "running");
                nodes.Add(new GraphNode(g.Service, g.Items[0].Role, g.Items.Count, running,
                    [.. g.Items.Select(c => c.Host).Distinct().Order(StringComparer.Ordinal)], StateOf(g.Items, running, view.Containers),
                    x, Top + (row++ * (NodeHeight + RowGap))));
            }
        }

        var byService = nodes.ToDictionary(n => n.Service, StringComparer.Ordinal);
        var serviceOf = view.Containers.ToDictionary(c => c.Id, c => c.Service, StringComparer.Ordinal);
        var edges = view.Links
            .Where(l => serviceOf.ContainsKey(l.From) && serviceOf.ContainsKey(l.To))
            .GroupBy(l => (From: serviceOf[l.From], To: serviceOf[l.To], l.Kind))
            .Select(g => new GraphEdge(byService[g.Key.From], byService[g.Key.To], g.Key.Kind, g.Any(l => l.Broken)))
            .ToList();
        var lanes = columns.GroupBy(LaneTitle).Select(g => new GraphLane(g.Key, 10 + (columns.IndexOf(g.First()) * ColumnWidth), g.Count() * ColumnWidth - 20)).ToList();
        var height = nodes.Count == 0 ? 120 : nodes.Max(n => n.Y) + NodeHeight + 20;
        return new GraphLayout(lanes, nodes, edges, Math.Max(columns.Count, 1) * ColumnWidth + 20, height);
    }

    private static int ColumnOf(string role, string service) => role switch
    {
        "edge" => 0,
        "frontend" => WebTier.Contains(service) ? 1 : 2,
        "backend" => 3,
        "maintenance" => 4,
        _ => 5,
    };

    private static string LaneTitle(int column) => column switch
    {
        0 => "Edge",
        1 or 2 => "Front end",
        3 => "Back end",
        4 => "Maintenance",
        _ => "Other",
    };

    // nginx stopped on every host where a maintenance container runs: the page serves in its place
    // (how the console and kobo-install switch), so it is planned, not an outage.
    private static bool InMaintenance(List<TopologyContainer> items, IReadOnlyList<TopologyContainer> all) =>
        items[0].Service == "nginx"
        && items.All(c => all.Any(m => m.Role == "maintenance" && m.State == "running" && m.Host == c.Host));

    // kpi first, workers together, then the rest alphabetically.
    private static int Rank(string service) => service switch
    {
        "nginx" or "kpi" or "postgres" => 0,
        "enketo_express" or "kobocat" or "mongo" => 1,
        _ => 2,
    };

    private static NodeState StateOf(List<TopologyContainer> items, int running, IReadOnlyList<TopologyContainer> all)
    {
        if (running == 0 && InMaintenance(items, all))
        {
            return NodeState.Maintenance;
        }

        if (running == 0 || items.Any(c => c.Health == "unhealthy"))
        {
            return NodeState.Down;
        }

        if (running < items.Count)
        {
            return NodeState.Degraded;
        }

        return items.Any(c => c.Health == "starting" || c.State == "restarting") ? NodeState.Starting : NodeState.Running;
    }
}
