using System.Net;

namespace KoboConsole.IntegrationTests.TestBed;

/// <summary>
/// The test bed must look like kobo-docker to the console: Compose's labels and names, kobo's
/// networks and aliases, nginx answering in front of the kpi stand-in, PostgreSQL holding kobo's
/// two databases. Stacks are started through docker/testbed/stack.sh against the real engine.
/// </summary>
[Collection(TestBedDefinition.Name)]
public sealed class StackScriptTests(TestBedFixture fixture)
{
    private static readonly string[] CurrentFrontEnd =
        ["nginx", "kpi", "enketo_express", "worker", "worker_low_priority", "worker_long_running_tasks", "beat"];

    private static readonly string[] CurrentBackEnd = ["postgres", "mongo", "redis_main", "redis_cache"];

    private readonly TestBedFixture _fixture = fixture;

    [Fact]
    public async Task Up_Current_HasKoboLabelsNamesAndNetworks()
    {
        var ct = CancellationToken.None;
        var id = TestBedFixture.NewStackId("current");
        var info = await _fixture.UpAsync("current", id, null, ct);
        try
        {
            Assert.Equal(("kobofe", "kobobe"), (info.FrontendProject, info.BackendProject));
            Assert.Equal("kobofe-nginx-1", info.Containers["nginx"]);
            Assert.Equal("kobobe-postgres-1", info.Containers["postgres"]);
            await AssertSingleServerAsync(info, "kobofe", "kobobe", ct);
        }
        finally
        {
            await _fixture.DownAsync(id, ct);
        }
    }

    [Fact]
    public async Task Up_Prefixed_HasKoboLabelsNamesAndNetworks()
    {
        var ct = CancellationToken.None;
        var id = TestBedFixture.NewStackId("prefixed");
        var prefix = "p" + id[^6..];
        var info = await _fixture.UpAsync("prefixed", id, prefix, ct);
        try
        {
            Assert.Equal(prefix, info.Prefix);
            Assert.Equal($"{prefix}-kobomaintenance", info.Values["maintenance_project"]);
            Assert.Equal($"{prefix}-kobofe-nginx-1", info.Containers["nginx"]);
            await AssertSingleServerAsync(info, $"{prefix}-kobofe", $"{prefix}-kobobe", ct);
        }
        finally
        {
            await _fixture.DownAsync(id, ct);
        }
    }

    [Fact]
    public async Task Up_Legacy_HasKoboLabelsNamesAndNetworks()
    {
        var ct = CancellationToken.None;
        var id = TestBedFixture.NewStackId("legacy");
        var info = await _fixture.UpAsync("legacy", id, null, ct);
        try
        {
            string[] services = ["nginx", "kpi", "kobocat", "enketo_express", "postgres", "mongo", "redis_main", "redis_cache", "rabbit"];
            Assert.Equal(services.Order(), info.Containers.Keys.Order());
            var views = await ContainerView.InspectAsync(info.FrontendDocker, info.Containers.Values, ct);
            foreach (var view in views)
            {
                var service = view.Labels["com.docker.compose.service"];
                Assert.Equal($"kobodocker_{service}_1", view.Name);
                AssertComposeLabels(view, id, "kobodocker", service, "1.");
                Assert.Contains(service, view.Networks["kobodocker_default"]);
            }

            await AssertNginxServesKpiAsync(info, ct);
            await AssertPostgresHasKoboDatabasesAsync(info, ct);
        }
        finally
        {
            await _fixture.DownAsync(id, ct);
        }
    }

    [Fact]
    public async Task Up_Multihost_HasKoboLabelsNamesAndNetworks()
    {
        var ct = CancellationToken.None;
        var id = TestBedFixture.NewStackId("multihost");
        var info = await _fixture.UpAsync("multihost", id, null, ct);
        try
        {
            Assert.NotEqual(info.FrontendDocker, info.BackendDocker);
            Assert.NotNull(info.PostgresPort);
            foreach (var key in new[] { "mongo_port", "redis_main_port", "redis_cache_port" })
            {
                Assert.True(int.TryParse(info.Values[key], out _), $"{key} is not a port");
            }

            var front = await ContainerView.InspectAsync(info.FrontendDocker, CurrentFrontEnd.Select(s => info.Containers[s]), ct);
            var back = await ContainerView.InspectAsync(info.BackendDocker, CurrentBackEnd.Select(s => info.Containers[s]), ct);
            foreach (var view in front)
            {
                var service = view.Labels["com.docker.compose.service"];
                Assert.Equal($"kobofe-{service}-1", view.Name);
                AssertComposeLabels(view, id, "kobofe", service, "2.");
                Assert.Equal(["kobofe_kobo-fe-network"], view.Networks.Keys);
            }

            foreach (var view in back)
            {
                var service = view.Labels["com.docker.compose.service"];
                Assert.Equal($"kobobe-{service}-1", view.Name);
                AssertComposeLabels(view, id, "kobobe", service, "2.");
                Assert.Contains(PrivateAlias(service), view.Networks["kobobe_kobo-be-network"]);
            }

            var kpi = front.Single(v => v.Name == "kobofe-kpi-1");
            Assert.Contains(kpi.ExtraHosts, h => h.StartsWith("postgres.kobo.private:", StringComparison.Ordinal));
            Assert.Contains(kpi.ExtraHosts, h => h.StartsWith("redis-main.kobo.private:", StringComparison.Ordinal));

            // The front end really reaches the back end on the other engine through extra_hosts.
            var reach = await ScriptRunner.DockerAsync(info.FrontendDocker,
                ["exec", "kobofe-kpi-1", "sh", "-c", "echo | nc -w 3 postgres.kobo.private 5432 >/dev/null"], ct);
            Assert.True(reach.ExitCode == 0, $"kpi could not reach postgres.kobo.private:5432: {reach.StdErr}");

            await AssertNginxServesKpiAsync(info, ct);
            await AssertPostgresHasKoboDatabasesAsync(info, ct);
        }
        finally
        {
            await _fixture.DownAsync(id, ct);
        }
    }

    [Theory]
    [InlineData("prefixed")]
    [InlineData("multihost")]
    public async Task Down_RemovesEverything_LeavesNothingBehind(string generation)
    {
        var ct = CancellationToken.None;
        var id = TestBedFixture.NewStackId(generation);
        var info = await _fixture.UpAsync(generation, id, "d" + id[^6..], ct);
        Assert.True(Directory.Exists(info.StackDir));

        var down = await _fixture.DownAsync(id, ct);

        Assert.True(down.ExitCode == 0, $"stack.sh down failed: {down.StdErr}");
        var filter = $"label=org.koboconsole.testbed.stack={id}";
        var containers = await ScriptRunner.DockerAsync(info.FrontendDocker, ["ps", "-aq", "--filter", filter], ct);
        var networks = await ScriptRunner.DockerAsync(info.FrontendDocker, ["network", "ls", "-q", "--filter", filter], ct);
        Assert.Equal(("", ""), (containers.StdOut.Trim(), networks.StdOut.Trim()));
        Assert.False(Directory.Exists(info.StackDir), $"{info.StackDir} is still there");
        if (generation == "multihost")
        {
            var engine = await ScriptRunner.DockerAsync(info.BackendDocker, ["version"], ct);
            Assert.NotEqual(0, engine.ExitCode);
            Assert.False(File.Exists(info.BackendDocker["unix://".Length..]), "the second engine's socket is still there");

            // A second dockerd started with --bridge=none deletes the host's docker0; the main
            // engine's default network must still work after a second engine came and went.
            var run = await ScriptRunner.DockerAsync(info.FrontendDocker,
                ["run", "--rm", "--label", "org.koboconsole.testbed=1", "kobo-testbed/busybox:latest", "true"], ct);
            Assert.True(run.ExitCode == 0, $"the main engine's default bridge is broken: {run.StdErr}");
        }
    }

    private static async Task AssertSingleServerAsync(StackInfo info, string fe, string be, CancellationToken ct)
    {
        Assert.Equal(info.FrontendDocker, info.BackendDocker);
        Assert.Equal(($"{fe}_kobo-fe-network", $"{be}_kobo-be-network"), (info.FrontendNetwork, info.BackendNetwork));
        Assert.Equal(CurrentFrontEnd.Concat(CurrentBackEnd).Order(), info.Containers.Keys.Order());
        var views = await ContainerView.InspectAsync(info.FrontendDocker, info.Containers.Values, ct);
        foreach (var view in views)
        {
            var service = view.Labels["com.docker.compose.service"];
            var project = CurrentBackEnd.Contains(service) ? be : fe;
            Assert.Equal($"{project}-{service}-1", view.Name);
            AssertComposeLabels(view, info.Stack, project, service, "2.");
            if (project == be)
            {
                Assert.Contains(PrivateAlias(service), view.Networks[info.BackendNetwork]);
            }
            else
            {
                Assert.Contains(service, view.Networks[info.FrontendNetwork]);
                // Single server: everything but nginx also joins the back-end network.
                Assert.Equal(service != "nginx", view.Networks.ContainsKey(info.BackendNetwork));
            }
        }

        var nginx = views.Single(v => v.Labels["com.docker.compose.service"] == "nginx");
        Assert.Contains("nginx.internal", nginx.Networks[info.FrontendNetwork]);
        var kpi = views.Single(v => v.Labels["com.docker.compose.service"] == "kpi");
        Assert.Contains("kpi.internal", kpi.Networks[info.FrontendNetwork]);
        Assert.Contains("PUBLIC_DOMAIN_NAME=kobo.test", kpi.Env);
        var postgres = views.Single(v => v.Labels["com.docker.compose.service"] == "postgres");
        Assert.Contains("PG_MAJOR=15", postgres.Env);
        Assert.Contains(postgres.Env, e => e.StartsWith("POSTGRES_BACKUP_SCHEDULE=", StringComparison.Ordinal));

        await AssertNginxServesKpiAsync(info, ct);
        await AssertPostgresHasKoboDatabasesAsync(info, ct);
    }

    private static void AssertComposeLabels(ContainerView view, string stack, string project, string service, string versionPrefix)
    {
        Assert.True(view.Running, $"{view.Name} is not running");
        Assert.Equal(project, view.Labels["com.docker.compose.project"]);
        Assert.Equal(service, view.Labels["com.docker.compose.service"]);
        Assert.Equal("False", view.Labels["com.docker.compose.oneoff"]);
        Assert.Equal("1", view.Labels["com.docker.compose.container-number"]);
        Assert.StartsWith("/", view.Labels["com.docker.compose.project.working_dir"], StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{64}$", view.Labels["com.docker.compose.config-hash"]);
        Assert.StartsWith(versionPrefix, view.Labels["com.docker.compose.version"], StringComparison.Ordinal);
        Assert.Equal("1", view.Labels["org.koboconsole.testbed"]);
        Assert.Equal(stack, view.Labels["org.koboconsole.testbed.stack"]);
    }

    private static string PrivateAlias(string service) => $"{service.Replace('_', '-')}.kobo.private";

    private static async Task AssertNginxServesKpiAsync(StackInfo info, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var home = await GetAsync(http, info, "/", ct);
        Assert.Equal(HttpStatusCode.OK, home.Status);
        Assert.Contains("kpi stand-in", home.Body, StringComparison.Ordinal);
        var health = await GetAsync(http, info, "/service_health/", ct);
        Assert.Equal(HttpStatusCode.OK, health.Status);
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient http, StackInfo info, string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{info.NginxPort}{path}"));
        request.Headers.Host = $"kf.{info.Domain}";
        using var response = await http.SendAsync(request, ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(ct));
    }

    private static async Task AssertPostgresHasKoboDatabasesAsync(StackInfo info, CancellationToken ct)
    {
        var result = await ScriptRunner.DockerAsync(info.BackendDocker,
        [
            "exec", "-e", $"PGPASSWORD={info.PostgresPassword}", info.Containers["postgres"],
            "psql", "-h", "127.0.0.1", "-U", info.PostgresUser, "-d", "postgres", "-Atc", "select datname from pg_database",
        ], ct);
        Assert.True(result.ExitCode == 0, $"psql failed: {result.StdErr}");
        var databases = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("koboform", databases);
        Assert.Contains("kobocat", databases);
    }
}
