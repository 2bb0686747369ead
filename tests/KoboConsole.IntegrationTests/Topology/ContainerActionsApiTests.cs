using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Topology;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Topology;

/// <summary>POST /api/v1/containers/{id}/start|stop|restart on a real test-bed container.</summary>
public sealed class ContainerActionsApiTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    private const string MainEngine = "unix:///var/run/docker.sock";

    [Fact]
    public async Task Actions_StopStartRestart_ReturnTheNewStateAndAreAudited()
    {
        var info = await fixture.RentAsync("prefixed", "a", [], CancellationToken.None);
        var (id, prefix) = (info.Stack, info.Prefix);
        try
        {
            await using var api = await TopologyApi.StartAsync(TopologyApi.Settings(prefix, ("main", MainEngine)));
            var worker = (await api.GetAsync()).Of("worker");

            var stopped = await PostAsync(api.Client, $"/api/v1/containers/{worker.Id}/stop");
            var started = await PostAsync(api.Client, $"/api/v1/containers/{info.Containers["worker"]}/start");
            var restarted = await PostAsync(api.Client, $"/api/v1/containers/{worker.Id}/restart");

            Assert.Equal(("exited", worker.Id, "worker", "main"), (stopped.State, stopped.Id, stopped.Service, stopped.Host));
            Assert.Equal("running", started.State);
            Assert.Equal("running", restarted.State);
            Assert.True(restarted.StartedAt > started.StartedAt);
            var audit = await api.App.Services.GetRequiredService<AuditLog>().ReadAsync(10, CancellationToken.None);
            Assert.Equal(
                ["container.restart", "container.start", "container.stop"],
                audit.Where(a => a.Target == $"main/{info.Containers["worker"]}").Select(a => a.Action));
            Assert.All(audit.Where(a => a.Action.StartsWith("container.", StringComparison.Ordinal)), a =>
                Assert.Equal(("admin (token topology tests)", "succeeded"), (a.Actor, a.Outcome)));
        }
        finally
        {
            await fixture.ReturnAsync(info, []);
        }
    }

    [Fact]
    public async Task Actions_UnknownContainerOrAction_Gives404ProblemsAndViewerGets403()
    {
        await using var api = await TopologyApi.StartAsync(TopologyApi.Settings("nobody-here", ("main", MainEngine)));
        using var created = await api.Client.PostAsJsonAsync("/api/v1/users", new { username = "vera", password = "viewer-password-1", role = "viewer" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var viewer = api.App.CreateClient();
        using var tokenResponse = await viewer.PostAsJsonAsync("/api/v1/tokens", new { username = "vera", password = "viewer-password-1", name = "t" });
        var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        viewer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var unknown = await api.Client.PostAsync(new Uri("/api/v1/containers/no-such-container/stop", UriKind.Relative), null);
        using var badAction = await api.Client.PostAsync(new Uri("/api/v1/containers/x/kill", UriKind.Relative), null);
        using var forbidden = await viewer.PostAsync(new Uri("/api/v1/containers/x/stop", UriKind.Relative), null);
        using var viewerReads = await viewer.GetAsync(new Uri("/api/v1/topology", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-such-container", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, badAction.StatusCode);
        Assert.Contains("start, stop or restart", await badAction.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.OK, viewerReads.StatusCode);
    }

    private static async Task<TopologyContainer> PostAsync(HttpClient client, string path)
    {
        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), null);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<TopologyContainer>(JsonSerializerOptions.Web))!;
    }
}
