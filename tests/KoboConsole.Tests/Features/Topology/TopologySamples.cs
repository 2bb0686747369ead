using KoboConsole.Web.Features.Topology;

namespace KoboConsole.Tests.Features.Topology;

internal static class TopologySamples
{
    private static readonly string[] BackEnd = ["postgres", "mongo", "redis_main", "redis_cache"];

    public static TopologyContainer Container(string id, string service, string role, string state = "running", string host = "main", string health = "none") =>
        new(id, $"kobofe-{service}-{id}", host, role == "backend" ? "kobobe" : "kobofe", service, role, state, health, "kobo-testbed/services:latest",
            DateTimeOffset.UnixEpoch, 0, [], [new TopologyNetwork("kobofe_kobo-fe-network", [service])]);

    /// <summary>A kobo install of 60 containers on two front-end hosts and one back end.</summary>
    public static TopologyView Large()
    {
        var containers = new List<TopologyContainer>();
        string[] fe = ["nginx", "kpi", "enketo_express", "worker", "worker_low_priority", "worker_long_running_tasks", "beat"];
        for (var i = 0; i < 52; i++)
        {
            containers.Add(Container($"f{i}", fe[i % fe.Length], "frontend", host: i % 2 == 0 ? "fe1" : "fe2"));
        }

        foreach (var (s, i) in BackEnd.Select((s, i) => (s, i)))
        {
            containers.Add(Container($"b{i}", s, "backend", host: "be"));
            containers.Add(Container($"b{i}x", s, "backend", host: "be"));
        }

        var links = containers.Where(c => c.Service == "kpi").SelectMany(k => containers.Where(p => p.Service == "postgres").Select(p => new TopologyLink(k.Id, p.Id, "postgres", false))).ToList();
        return new TopologyView([], containers, links);
    }
}
