using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.IntegrationTests.TestBed;

namespace KoboConsole.IntegrationTests.Topology;

/// <summary>GET /api/v1/topology on real test-bed stacks of every generation.</summary>
public sealed class TopologyApiTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    private const string MainEngine = "unix:///var/run/docker.sock";

    [Fact]
    public async Task Topology_PrefixedStackAndADownHost_ListsEveryServiceWithLinksAndReportsTheDownHost()
    {
        var info = await fixture.RentAsync("prefixed", "t", [], CancellationToken.None);
        var (id, prefix) = (info.Stack, info.Prefix);
        try
        {
            await using var api = await TopologyApi.StartAsync(TopologyApi.Settings(prefix, ("main", MainEngine), ("gone", "unix:///run/kobo-topology-no-such.sock")));

            var view = await api.GetAsync();

            Assert.Equal(info.Containers.Keys.Order(StringComparer.Ordinal), view.Containers.Select(c => c.Service).Order(StringComparer.Ordinal));
            Assert.True(Assert.Single(view.Hosts, h => h.Name == "main").Reachable);
            var gone = Assert.Single(view.Hosts, h => h.Name == "gone");
            Assert.False(gone.Reachable);
            Assert.Contains("kobo-topology-no-such.sock", gone.Error, StringComparison.Ordinal);
            var nginx = view.Of("nginx");
            Assert.Equal(("frontend", "running", "none", "main"), (nginx.Role, nginx.State, nginx.Health, nginx.Host));
            Assert.Equal(info.Containers["nginx"], nginx.Name);
            Assert.NotNull(nginx.StartedAt);
            Assert.Contains(nginx.Ports, p => p.HostPort == info.NginxPort && p.ContainerPort == 80 && p.Protocol == "tcp");
            Assert.Contains(nginx.Networks, n => n.Name == info.FrontendNetwork && n.Aliases.Contains("nginx.internal"));
            Assert.Equal("backend", view.Of("postgres").Role);
            Assert.Contains(view.Of("postgres").Networks, n => n.Aliases.Contains("postgres.kobo.private"));
            Assert.Equal(("http", false), (view.Link("nginx", "kpi")!.Kind, view.Link("nginx", "kpi")!.Broken));
            Assert.Equal(("postgres", false), (view.Link("worker", "postgres")!.Kind, view.Link("worker", "postgres")!.Broken));
            Assert.False(view.Link("enketo_express", "redis_main")!.Broken);
            Assert.Null(view.Link("nginx", "postgres"));
            Assert.DoesNotContain(view.Links, l => l.Broken);
        }
        finally
        {
            await fixture.ReturnAsync(info, []);
        }
    }

    [Fact]
    public async Task Topology_KpiLeavesTheBackEndNetwork_MarksItsBackEndLinksBroken()
    {
        var info = await fixture.RentAsync("prefixed", "u", [], CancellationToken.None);
        var (id, prefix) = (info.Stack, info.Prefix);
        try
        {
            await using var api = await TopologyApi.StartAsync(TopologyApi.Settings(prefix, ("main", MainEngine)));
            var disconnect = await ScriptRunner.DockerAsync(MainEngine, ["network", "disconnect", info.BackendNetwork, info.Containers["kpi"]], CancellationToken.None);
            Assert.Equal(0, disconnect.ExitCode);

            var view = await api.GetAsync();

            Assert.True(view.Link("kpi", "postgres")!.Broken);
            Assert.True(view.Link("kpi", "redis_cache")!.Broken);
            Assert.False(view.Link("nginx", "kpi")!.Broken);
            Assert.False(view.Link("worker", "postgres")!.Broken);
        }
        finally
        {
            await fixture.ReturnAsync(info, []);
        }
    }

    [Fact]
    public async Task Topology_OneOffContainer_ListedOnlyWithIncludeOneOff()
    {
        var info = await fixture.RentAsync("prefixed", "o", [], CancellationToken.None);
        var (id, prefix) = (info.Stack, info.Prefix);
        var oneOff = $"{prefix}-kobofe-kpi-run-1";
        try
        {
            var run = await ScriptRunner.DockerAsync(MainEngine,
            [
                "run", "-d", "--name", oneOff, "--label", "org.koboconsole.testbed=1", "--label", $"org.koboconsole.testbed.stack={id}",
                "--label", $"com.docker.compose.project={prefix}-kobofe", "--label", "com.docker.compose.service=kpi",
                "--label", "com.docker.compose.oneoff=True", "kobo-testbed/busybox", "sleep", "300",
            ], CancellationToken.None);
            Assert.Equal(0, run.ExitCode);
            await using var api = await TopologyApi.StartAsync(TopologyApi.Settings(prefix, ("main", MainEngine)));

            var hidden = await api.GetAsync();
            var shown = await api.GetAsync(includeOneOff: true);

            Assert.DoesNotContain(hidden.Containers, c => c.Name == oneOff);
            Assert.Contains(shown.Containers, c => c.Name == oneOff);
        }
        finally
        {
            await ScriptRunner.DockerAsync(MainEngine, ["rm", "-f", oneOff], CancellationToken.None);
            await fixture.ReturnAsync(info, []);
        }
    }

    [Fact]
    public async Task Topology_RawJson_HasTheContractFieldNames()
    {
        var info = await fixture.RentAsync("prefixed", "j", [], CancellationToken.None);
        var (id, prefix) = (info.Stack, info.Prefix);
        try
        {
            await using var api = await TopologyApi.StartAsync(TopologyApi.Settings(prefix, ("main", MainEngine)));

            using var response = await api.Client.GetAsync(new Uri("/api/v1/topology", UriKind.Relative));
            var json = await response.Content.ReadFromJsonAsync<JsonElement>();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(["containers", "hosts", "links"], Names(json));
            Assert.Equal(["endpoint", "engineVersion", "error", "name", "reachable"], Names(json.GetProperty("hosts")[0]));
            var container = json.GetProperty("containers").EnumerateArray().First(c => c.GetProperty("service").GetString() == "nginx");
            Assert.Equal(
                ["health", "host", "id", "image", "name", "networks", "ports", "project", "replicationRole", "restartCount", "role", "service", "startedAt", "state"],
                Names(container));
            Assert.Equal(["containerPort", "hostIp", "hostPort", "protocol"], Names(container.GetProperty("ports")[0]));
            Assert.Equal(["aliases", "name"], Names(container.GetProperty("networks")[0]));
            Assert.Equal(["broken", "from", "kind", "to"], Names(json.GetProperty("links")[0]));
        }
        finally
        {
            await fixture.ReturnAsync(info, []);
        }
    }

    private static string[] Names(JsonElement e) => [.. e.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
}
