using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Web.Features.Topology;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Topology;

/// <summary>The live topology follows Docker's event stream, and comes back after a daemon restart.</summary>
public sealed class TopologyLiveTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    private const string MainEngine = "unix:///var/run/docker.sock";

    [Fact]
    public async Task Live_DockerStopThroughTheCli_ShowsExitedThenRunningAgain()
    {
        var info = await fixture.RentAsync("prefixed", "l", [], CancellationToken.None);
        var (id, prefix) = (info.Stack, info.Prefix);
        try
        {
            await using var api = await TopologyApi.StartAsync(TopologyApi.Settings(prefix, ("main", MainEngine)));
            var live = api.App.Services.GetRequiredService<TopologyLive>();
            using var probe = new LiveProbe(live);
            await probe.WaitAsync(l => l.Loaded && l.Streams.Any(s => s.Live) && State(l, "kpi") == "running", "kpi running");

            Assert.Equal(0, (await ScriptRunner.DockerAsync(MainEngine, ["stop", "-t", "1", info.Containers["kpi"]], CancellationToken.None)).ExitCode);
            await probe.WaitAsync(l => State(l, "kpi") == "exited", "kpi exited after docker stop");
            Assert.Equal(0, (await ScriptRunner.DockerAsync(MainEngine, ["start", info.Containers["kpi"]], CancellationToken.None)).ExitCode);
            await probe.WaitAsync(l => State(l, "kpi") == "running", "kpi running after docker start");

            Assert.Equal("running", State(live, "nginx"));
        }
        finally
        {
            await fixture.ReturnAsync(info, []);
        }
    }

    [Fact]
    public async Task Live_SecondEngineRestarts_ShowsReconnectingThenResyncsAndFollowsAgain()
    {
        var name = "topo" + Guid.NewGuid().ToString("N")[..8];
        var sock = await SecondEngineAsync(name);
        try
        {
            await RunKoboContainerAsync(sock, name, "before");
            await using var api = await TopologyApi.StartAsync(TopologyApi.Settings(name, ("second", "unix://" + sock)));
            var live = api.App.Services.GetRequiredService<TopologyLive>();
            using var probe = new LiveProbe(live);
            await probe.WaitAsync(l => l.Streams.Any(s => s.Live) && l.Current.Containers.Any(c => c.Name == $"{name}-before"), "the first container");

            await ScriptRunner.ScriptAsync("engine.sh", ["stop-second", name], TimeSpan.FromMinutes(2), CancellationToken.None);
            await probe.WaitAsync(l => l.Streams.Single().Live == false, "the stream marked reconnecting");
            Assert.Equal(sock, await SecondEngineAsync(name));
            await RunKoboContainerAsync(sock, name, "after");
            await probe.WaitAsync(l => l.Streams.Single().Live && l.Current.Containers.Any(c => c.Name == $"{name}-after"), "the resync after the restart");
            Assert.DoesNotContain(live.Current.Containers, c => c.Name == $"{name}-before"); // the restarted engine lost its data

            Assert.Equal(0, (await ScriptRunner.DockerAsync("unix://" + sock, ["stop", "-t", "1", $"{name}-after"], CancellationToken.None)).ExitCode);
            await probe.WaitAsync(l => l.Current.Containers.Any(c => c.Name == $"{name}-after" && c.State == "exited"), "an event after the reconnect");
        }
        finally
        {
            await ScriptRunner.ScriptAsync("engine.sh", ["stop-second", name], TimeSpan.FromMinutes(2), CancellationToken.None);
        }
    }

    [Fact]
    public async Task Live_ASubscriberThrows_OthersAreStillNotifiedOfLaterRefreshes()
    {
        // A page whose circuit died can throw from its callback; before the fix that exception
        // ended the refresh loop and every other open page froze on its last picture.
        await using var api = await TopologyApi.StartAsync(TopologyApi.Settings("nothing" + Guid.NewGuid().ToString("N")[..6], ("main", MainEngine)));
        var live = api.App.Services.GetRequiredService<TopologyLive>();
        using var broken = live.Subscribe(() => throw new ObjectDisposedException("a dead circuit"));
        var calls = 0;
        using var counter = live.Subscribe(() => Interlocked.Increment(ref calls));
        using var probe = new LiveProbe(live);
        await probe.WaitAsync(l => l.Loaded, "the first refresh");
        var before = Volatile.Read(ref calls);

        live.RequestRefresh();
        await probe.WaitAsync(_ => Volatile.Read(ref calls) > before, "a notification after the broken subscriber threw");
        live.RequestRefresh();
        await probe.WaitAsync(_ => Volatile.Read(ref calls) > before + 1, "a second one: the refresh loop is still alive");
    }

    private static string? State(TopologyLive live, string service) => live.Current.Containers.FirstOrDefault(c => c.Service == service)?.State;

    private static async Task<string> SecondEngineAsync(string name)
    {
        var result = await ScriptRunner.ScriptAsync("engine.sh", ["second", name], TimeSpan.FromMinutes(3), CancellationToken.None);
        Assert.True(result.ExitCode == 0, result.StdErr);
        return result.StdOut.Trim();
    }

    private static async Task RunKoboContainerAsync(string sock, string prefix, string suffix)
    {
        var run = await ScriptRunner.DockerAsync("unix://" + sock,
        [
            "run", "-d", "--name", $"{prefix}-{suffix}", "--label", "org.koboconsole.testbed=1",
            "--label", $"com.docker.compose.project={prefix}-kobofe", "--label", "com.docker.compose.service=kpi",
            "kobo-testbed/busybox", "sleep", "3600",
        ], CancellationToken.None);
        Assert.True(run.ExitCode == 0, run.StdErr);
    }
}
