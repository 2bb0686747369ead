using System.Net;
using System.Net.Sockets;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Web.Features.Topology;
using KoboConsole.Web.Features.Topology.Health;
using KoboConsole.Web.Infrastructure.Mongo;
using KoboConsole.Web.Infrastructure.Probes;
using KoboConsole.Web.Infrastructure.Redis;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Topology;

/// <summary>Probes against the test bed's real PostgreSQL, Redis and nginx; MongoDB only fails here (stand-in).</summary>
public sealed class ServiceHealthTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    private const string MainEngine = "unix:///var/run/docker.sock";

    [Fact]
    public async Task ProbeAll_PrefixedStack_ReportsRealPostgresRedisAndKpiValuesAndMongoFailure()
    {
        var info = await fixture.RentAsync("prefixed", "h", [], CancellationToken.None);
        var (id, prefix) = (info.Stack, info.Prefix);
        try
        {
            await using var api = await TopologyApi.StartAsync(TopologyApi.Settings(prefix, ("main", MainEngine)));
            var view = await api.App.Services.GetRequiredService<TopologyService>().GetAsync(false, CancellationToken.None);

            var results = await api.App.Services.GetRequiredService<ServiceHealth>().ProbeAllAsync(view, CancellationToken.None);

            var pg = Ok(results, "postgres");
            Assert.StartsWith("15", Fact(pg, "version"), StringComparison.Ordinal);
            Assert.EndsWith("MiB", Fact(pg, "database koboform"), StringComparison.Ordinal);
            Assert.EndsWith("MiB", Fact(pg, "database kobocat"), StringComparison.Ordinal);
            Assert.True(int.Parse(Fact(pg, "connections"), System.Globalization.CultureInfo.InvariantCulture) >= 1);
            Assert.StartsWith("container address", pg.Via, StringComparison.Ordinal);
            var redisMain = Ok(results, "redis_main");
            Assert.Equal("7.0.15", Fact(redisMain, "version"));
            Assert.NotEqual("never", Fact(redisMain, "last save"));
            Assert.Equal("ok", Fact(redisMain, "last BGSAVE"));
            Assert.Equal("7.0.15", Fact(Ok(results, "redis_cache"), "version"));
            var kpi = Ok(results, "kpi (through nginx)");
            Assert.Equal("200", Fact(kpi, "HTTP"));
            Assert.Equal("kf.kobo.test", Fact(kpi, "host"));
            Assert.Equal($"published port 127.0.0.1:{info.NginxPort}", kpi.Via);
            var mongo = Assert.Single(results, r => r.Service == "mongo");
            Assert.False(mongo.Ok);
            Assert.Contains("MongoDB at", mongo.Error, StringComparison.Ordinal);
            Assert.DoesNotContain(info.PostgresPassword, string.Join("\n", results.Select(r => $"{r.Error} {r.Via} {string.Join(',', r.Facts)}")), StringComparison.Ordinal);
            // The same probes through the API, as a monitoring script reads them.
            var body = await api.Client.GetStringAsync("/api/v1/topology/health");
            var viaApi = System.Text.Json.JsonSerializer.Deserialize<List<ProbeResult>>(body, System.Text.Json.JsonSerializerOptions.Web)!;
            Assert.StartsWith("15", Fact(Ok(viaApi, "postgres"), "version"), StringComparison.Ordinal);
            Assert.Equal("200", Fact(Ok(viaApi, "kpi (through nginx)"), "HTTP"));
            Assert.False(Assert.Single(viaApi, r => r.Service == "mongo").Ok);
            Assert.DoesNotContain(info.PostgresPassword, body, StringComparison.Ordinal);
        }
        finally
        {
            await fixture.ReturnAsync(info, []);
        }
    }

    [Fact]
    public async Task ProbeAll_MultihostStack_ReachesTheBackEndThroughPublishedPorts()
    {
        // Not from the pool: a multihost stack runs an engine of its own, which must not outlive the test.
        var id = TestBedFixture.NewStackId("multihost");
        var prefix = "g" + id[^6..];
        var info = await fixture.UpAsync("multihost", id, prefix, CancellationToken.None);
        try
        {
            await using var api = await TopologyApi.StartAsync(TopologyApi.Settings(prefix, ("front", info.FrontendDocker), ("back", info.BackendDocker)));
            var view = await api.App.Services.GetRequiredService<TopologyService>().GetAsync(false, CancellationToken.None);

            var results = await api.App.Services.GetRequiredService<ServiceHealth>().ProbeAllAsync(view, CancellationToken.None);

            Assert.Equal($"published port 127.0.0.1:{info.PostgresPort}", Ok(results, "postgres").Via);
            Assert.Equal($"published port 127.0.0.1:{info.Values["redis_main_port"]}", Ok(results, "redis_main").Via);
            Assert.Equal("back", Ok(results, "redis_cache").Host);
        }
        finally
        {
            await fixture.DownAsync(id, CancellationToken.None);
        }
    }

    [Fact]
    public async Task RedisProbe_WrongPassword_FailsWithRedisError()
    {
        var info = await fixture.RentAsync("prefixed", "r", [], CancellationToken.None);
        var (id, prefix) = (info.Stack, info.Prefix);
        try
        {
            var ip = (await ScriptRunner.DockerAsync(MainEngine, ["inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", info.Containers["redis_main"]], CancellationToken.None)).StdOut.Trim();

            var ex = await Assert.ThrowsAsync<ProbeFailedException>(() =>
                new RedisProbe().ProbeAsync(new ProbeTarget(ip, 6379, null, "not-the-password", TimeSpan.FromSeconds(3)), CancellationToken.None));

            Assert.Contains("Redis refused AUTH", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("not-the-password", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            await fixture.ReturnAsync(info, []);
        }
    }

    [Fact]
    public async Task MongoProbe_ServerThatNeverAnswers_TimesOutWithAClearMessage()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<TcpClient>();
        var acceptLoop = Task.Run(async () =>
        {
            while (true)
            {
                accepted.Add(await silent.AcceptTcpClientAsync());
            }
        });
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;

        var ex = await Assert.ThrowsAsync<ProbeFailedException>(() =>
            new MongoProbe().ProbeAsync(new ProbeTarget("127.0.0.1", port, "root", "pw", TimeSpan.FromSeconds(1)), CancellationToken.None));

        Assert.Contains($"MongoDB at 127.0.0.1:{port}", ex.Message, StringComparison.Ordinal);
        silent.Stop();
        accepted.ForEach(c => c.Dispose());
        _ = acceptLoop;
    }

    private static ProbeResult Ok(IReadOnlyList<ProbeResult> results, string service)
    {
        var r = Assert.Single(results, r => r.Service == service);
        Assert.True(r.Ok, $"{service}: {r.Error}");
        return r;
    }

    private static string Fact(ProbeResult r, string name) => Assert.Single(r.Facts, f => f.Name == name).Value;
}
