using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Web.Features.Topology.Stats;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Topology;

/// <summary>GET /api/v1/containers/{id}/stats on a test-bed stack, kpi made busy.</summary>
public sealed class ContainerStatsApiTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    private const string MainEngine = "unix:///var/run/docker.sock";

    [Fact]
    public async Task Stats_BusyKpi_HistoryShowsCpuAndMemory()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var info = await fixture.RentAsync("prefixed", "a", [], timeout.Token);
        try
        {
            await using var api = await TopologyApi.StartAsync(TopologyApi.Settings(info.Prefix, ("main", MainEngine)));
            var view = await api.GetAsync();
            var kpi = view.Of("kpi");
            var engine = api.App.Services.GetRequiredService<KoboConsole.Web.Infrastructure.Docker.IDockerHosts>().Get("main");
            // A busy loop for 30 s, left running in the background when the exec ends.
            await engine.ExecAsync(kpi.Id, ["sh", "-c", "timeout 30 sh -c 'while :; do :; done' >/dev/null 2>&1 &"], timeout.Token);
            var sampler = api.App.Services.GetRequiredService<StatsSampler>();

            await sampler.SampleOnceAsync(timeout.Token);
            await Task.Delay(TimeSpan.FromSeconds(3), timeout.Token);
            await sampler.SampleOnceAsync(timeout.Token);
            var stats = await api.Client.GetFromJsonAsync<ContainerStatsView>($"/api/v1/containers/{kpi.Name}/stats", JsonSerializerOptions.Web, timeout.Token);
            var nginx = await api.Client.GetFromJsonAsync<ContainerStatsView>($"/api/v1/containers/{view.Of("nginx").Id}/stats", JsonSerializerOptions.Web, timeout.Token);

            Assert.Equal((kpi.Id, "kpi", "main", true), (stats!.Id, stats.Service, stats.Host, stats.Sampled));
            Assert.True(stats.Points.Count >= 2);
            Assert.True(stats.Points[^1].CpuPercent > 0, $"CPU {stats.Points[^1].CpuPercent} %");
            Assert.True(stats.Points[^1].MemoryBytes > 0);
            Assert.Contains(sampler.All(), s => s.Service == "postgres" && s.Points.Count >= 2);
            Assert.Equal((false, 0), (nginx!.Sampled, nginx.Points.Count)); // not a heavy service
        }
        finally
        {
            await fixture.ReturnAsync(info, []);
        }
    }

    [Fact]
    public async Task Stats_UnknownContainer_Gives404Problem()
    {
        await using var api = await TopologyApi.StartAsync(TopologyApi.Settings("nobody-here", ("main", MainEngine)));

        using var response = await api.Client.GetAsync(new Uri("/api/v1/containers/no-such-container/stats", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("GET /api/v1/topology", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
