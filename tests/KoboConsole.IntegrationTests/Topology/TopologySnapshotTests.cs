using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Topology;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Topology;

/// <summary>The API answers from the live snapshot, and a refresh after an event inspects only the container it names.</summary>
[Collection(TestBedDefinition.Name)]
public sealed class TopologySnapshotTests(TestBedFixture fixture)
{
    private const string MainEngine = "unix:///var/run/docker.sock";

    [Fact]
    public async Task Topology_EveryStreamLive_AnswersFromTheSnapshotWithoutAskingDocker()
    {
        var info = await fixture.RentAsync("prefixed", "s", [], CancellationToken.None);
        var (id, prefix) = (info.Stack, info.Prefix);
        try
        {
            await using var app = new ConsoleAppFactory(TopologyApi.Settings(prefix, ("main", MainEngine)));
            var (client, counting) = await StartAsync(app);
            var live = client.Services.GetRequiredService<TopologyLive>();
            using var probe = new LiveProbe(live);
            await probe.WaitAsync(l => l.Loaded && l.Streams.All(s => s.Live), "the snapshot loaded and the stream live");
            await SnapshotReadableAsync(live); // the full read asked for when the stream connected is done
            counting.Calls.Clear();

            var first = await GetAsync(client.Http);
            var second = await GetAsync(client.Http);

            Assert.Empty(counting.Calls);
            var fresh = await client.Services.GetRequiredService<TopologyService>().GetAsync(includeOneOff: false, CancellationToken.None);
            Assert.Equal(Json(fresh), Json(first));
            Assert.Equal(Json(first), Json(second));
            Assert.Equal(info.Containers.Keys.Order(StringComparer.Ordinal), first.Containers.Select(c => c.Service).Order(StringComparer.Ordinal));
        }
        finally
        {
            await fixture.ReturnAsync(info, []);
        }
    }

    [Fact]
    public async Task Live_OneContainerStops_RefreshInspectsOnlyThatContainerAndTheApiShowsIt()
    {
        var info = await fixture.RentAsync("prefixed", "r", [], CancellationToken.None);
        var (id, prefix) = (info.Stack, info.Prefix);
        try
        {
            await using var app = new ConsoleAppFactory(TopologyApi.Settings(prefix, ("main", MainEngine)));
            var (client, counting) = await StartAsync(app);
            var live = client.Services.GetRequiredService<TopologyLive>();
            using var probe = new LiveProbe(live);
            await probe.WaitAsync(l => l.Loaded && l.Streams.All(s => s.Live) && l.Current.Containers.Count == info.Containers.Count, "the whole stack loaded");
            var kpi = live.Current.Containers.Single(c => c.Service == "kpi").Id;
            await SnapshotReadableAsync(live); // the full read asked for when the stream connected is done
            counting.Calls.Clear();

            Assert.Equal(0, (await ScriptRunner.DockerAsync(MainEngine, ["stop", "-t", "1", info.Containers["kpi"]], CancellationToken.None)).ExitCode);
            await probe.WaitAsync(l => l.Current.Containers.Single(c => c.Service == "kpi").State == "exited", "kpi exited");

            var inspected = counting.Inspected();
            Assert.NotEmpty(inspected);
            Assert.All(inspected, i => Assert.Equal(kpi, i));
            var view = await GetAsync(client.Http);
            Assert.Equal("exited", view.Containers.Single(c => c.Service == "kpi").State);
            Assert.Equal("running", view.Containers.Single(c => c.Service == "nginx").State);
        }
        finally
        {
            await fixture.ReturnAsync(info, []);
        }
    }

    /// <summary>
    /// Waits until the snapshot answers (null means "not ready: callers read Docker"), e.g. while
    /// the full read asked for when the stream connected is still running or has to run again.
    /// </summary>
    private static async Task SnapshotReadableAsync(TopologyLive live)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (await live.ReadAsync(CancellationToken.None) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the snapshot never became readable (last error: {live.LastError ?? "none"})");
            await Task.Delay(100);
        }
    }

    private static string Json(TopologyView view) => JsonSerializer.Serialize(view, JsonSerializerOptions.Web);

    private static async Task<TopologyView> GetAsync(HttpClient http) =>
        (await http.GetFromJsonAsync<TopologyView>("/api/v1/topology", JsonSerializerOptions.Web))!;

    private static async Task<((HttpClient Http, IServiceProvider Services) Client, CountingHosts Counting)> StartAsync(ConsoleAppFactory app)
    {
        CountingHosts? counting = null;
        var factory = app.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
            s.AddSingleton<IDockerHosts>(sp => counting ??= new CountingHosts(sp.GetRequiredService<DockerHosts>()))));
        var http = factory.CreateClient();
        using var response = await http.PostAsJsonAsync("/api/v1/tokens", new { username = ConsoleAppFactory.AdminUser, password = ConsoleAppFactory.AdminPassword, name = "snapshot tests" });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _ = factory.Services.GetRequiredService<IDockerHosts>();
        return ((http, factory.Services), counting!);
    }
}
