using KoboConsole.Web.Features.Topology;

namespace KoboConsole.Tests.Features.Topology;

public sealed class GraphLayoutTests
{
    [Fact]
    public void From_SixtyContainers_OneNodePerServiceWithCountsAndNoOverlap()
    {
        var layout = GraphLayout.From(TopologySamples.Large());

        Assert.Equal(11, layout.Nodes.Count);
        Assert.Equal(60, layout.Nodes.Sum(n => n.Count));
        Assert.Equal(["fe1", "fe2"], layout.Nodes.Single(n => n.Service == "kpi").Hosts);
        foreach (var a in layout.Nodes)
        {
            Assert.DoesNotContain(layout.Nodes, b => b != a && Math.Abs(a.X - b.X) < GraphLayout.NodeWidth && Math.Abs(a.Y - b.Y) < GraphLayout.NodeHeight);
        }

        Assert.InRange(layout.Height, 100, 600); // seven rows at most: readable without scrolling far
        Assert.Single(layout.Edges); // 8 kpi × 2 postgres links drawn as one edge between the two services
    }

    [Fact]
    public void From_Lanes_EdgeThenFrontEndThenBackEndThenMaintenance()
    {
        var view = new TopologyView([], [
            TopologySamples.Container("m", "maintenance", "maintenance"),
            TopologySamples.Container("p", "postgres", "backend"),
            TopologySamples.Container("k", "kpi", "frontend"),
            TopologySamples.Container("n", "nginx", "frontend"),
            TopologySamples.Container("s", "nginx_ssl_proxy", "edge"),
        ], []);

        var layout = GraphLayout.From(view);

        Assert.Equal(["Edge", "Front end", "Back end", "Maintenance"], layout.Lanes.Select(l => l.Title));
        Assert.Equal(["nginx_ssl_proxy", "nginx", "kpi", "postgres", "maintenance"], layout.Nodes.OrderBy(n => n.X).Select(n => n.Service));
    }

    [Theory]
    [InlineData("running", "running", "none", NodeState.Running)]
    [InlineData("running", "exited", "none", NodeState.Degraded)]
    [InlineData("exited", "exited", "none", NodeState.Down)]
    [InlineData("running", "running", "unhealthy", NodeState.Down)]
    [InlineData("running", "running", "starting", NodeState.Starting)]
    public void From_ReplicaStates_GiveTheNodeState(string a, string b, string health, NodeState expected)
    {
        var view = new TopologyView([], [
            TopologySamples.Container("1", "kpi", "frontend", a, health: health),
            TopologySamples.Container("2", "kpi", "frontend", b, host: "fe2"),
        ], []);

        Assert.Equal(expected, Assert.Single(GraphLayout.From(view).Nodes).State);
    }
}
