using KoboConsole.IntegrationTests.TestBed;

namespace KoboConsole.IntegrationTests.Topology;

/// <summary>
/// The current, legacy and multihost generations. current and legacy use fixed container names
/// (one of each per engine), so they run one at a time inside the test bed collection.
/// </summary>
[Collection(TestBedDefinition.Name)]
public sealed class TopologyGenerationTests(TestBedFixture fixture)
{
    private const string MainEngine = "unix:///var/run/docker.sock";

    [Fact]
    public async Task Topology_CurrentStack_SplitsFrontAndBackEndProjectsWithLinks()
    {
        var id = TestBedFixture.NewStackId("current");
        var info = await fixture.UpAsync("current", id, null, CancellationToken.None);
        try
        {
            await using var api = await TopologyApi.StartAsync(TopologyApi.Settings("", ("main", MainEngine)));

            var view = await api.GetAsync();

            Assert.Equal(info.Containers.Keys.Order(StringComparer.Ordinal), view.Containers.Select(c => c.Service).Order(StringComparer.Ordinal));
            Assert.Equal(("kobofe", "frontend"), (view.Of("kpi").Project, view.Of("kpi").Role));
            Assert.Equal(("kobobe", "backend"), (view.Of("redis_main").Project, view.Of("redis_main").Role));
            Assert.Equal("kobofe-nginx-1", view.Of("nginx").Name);
            Assert.False(view.Link("beat", "redis_main")!.Broken);
            Assert.False(view.Link("nginx", "enketo_express")!.Broken);
            Assert.DoesNotContain(view.Links, l => l.Broken);
        }
        finally
        {
            await fixture.DownAsync(id, CancellationToken.None);
        }
    }

    [Fact]
    public async Task Topology_LegacyStack_GivesRolesInsideOneProjectAndOldServicesTheirLinks()
    {
        var id = TestBedFixture.NewStackId("legacy");
        var info = await fixture.UpAsync("legacy", id, null, CancellationToken.None);
        try
        {
            await using var api = await TopologyApi.StartAsync(TopologyApi.Settings("", ("main", MainEngine)));

            var view = await api.GetAsync();

            Assert.Equal(info.Containers.Keys.Order(StringComparer.Ordinal), view.Containers.Select(c => c.Service).Order(StringComparer.Ordinal));
            Assert.All(view.Containers, c => Assert.Equal("kobodocker", c.Project));
            Assert.Equal("frontend", view.Of("kobocat").Role);
            Assert.Equal("backend", view.Of("rabbit").Role);
            Assert.Equal("backend", view.Of("postgres").Role);
            Assert.Equal("amqp", view.Link("kpi", "rabbit")!.Kind);
            Assert.Equal("http", view.Link("nginx", "kobocat")!.Kind);
            Assert.False(view.Link("kobocat", "postgres")!.Broken);
        }
        finally
        {
            await fixture.DownAsync(id, CancellationToken.None);
        }
    }

    [Fact]
    public async Task Topology_MultihostStack_ListsBothHostsAndLinksThroughExtraHosts()
    {
        var id = TestBedFixture.NewStackId("multihost");
        var prefix = "m" + id[^6..];
        var info = await fixture.UpAsync("multihost", id, prefix, CancellationToken.None);
        try
        {
            await using var api = await TopologyApi.StartAsync(TopologyApi.Settings(prefix, ("front", info.FrontendDocker), ("back", info.BackendDocker)));

            var view = await api.GetAsync();

            Assert.Equal(2, view.Hosts.Count(h => h.Reachable));
            Assert.Equal("front", view.Of("kpi").Host);
            Assert.Equal("back", view.Of("postgres").Host);
            Assert.Equal("back", view.Of("redis_cache").Host);
            Assert.False(view.Link("kpi", "postgres")!.Broken);
            Assert.False(view.Link("worker", "mongo")!.Broken);
            Assert.False(view.Link("enketo_express", "redis_main")!.Broken);
            Assert.False(view.Link("nginx", "kpi")!.Broken);
        }
        finally
        {
            await fixture.DownAsync(id, CancellationToken.None);
        }
    }
}
