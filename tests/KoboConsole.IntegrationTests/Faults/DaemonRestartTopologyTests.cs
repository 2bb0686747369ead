using KoboConsole.IntegrationTests.Docker;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Topology;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Faults;

/// <summary>
/// dockerd restarted while the live topology (what the Topology page subscribes to) follows it:
/// the host turns unreachable, then comes back with its containers, without a console restart.
/// The daemon is a second engine of the test's own; its restart loses its state (as a rebuilt
/// host would), so the container is created again, as Compose would.
/// </summary>
public sealed class DaemonRestartTopologyTests : IClassFixture<TestBedFixture>
{
    [Fact]
    public async Task TopologyLive_DaemonRestarts_HostUnreachableThenBackWithItsContainer()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var engineName = "ftp" + Guid.NewGuid().ToString("N")[..8];
        var prefix = "ftp" + Guid.NewGuid().ToString("N")[..6];
        var endpoint = await SecondEngine.StartAsync(engineName, timeout.Token);
        try
        {
            var settings = new Dictionary<string, string?>
            {
                ["KoboConsole:Docker:Hosts:0:Name"] = "backend",
                ["KoboConsole:Docker:Hosts:0:Endpoint"] = endpoint,
                ["KoboConsole:Stack:Prefix"] = prefix,
            };
            var name = await CreateRedisLikeAsync(settings, prefix, timeout.Token);
            await using var app = new ConsoleAppFactory(settings);
            var live = app.Services.GetRequiredService<TopologyLive>();
            using var subscription = live.Subscribe(() => { });

            await WaitAsync(() => Host(live) is { Reachable: true } && live.Current.Containers.Any(c => c.Name == name) && Stream(live) is { Live: true },
                "the topology never showed the container", timeout.Token);

            await SecondEngine.StopAsync(engineName);
            await WaitAsync(() => Host(live) is { Reachable: false } && Stream(live) is { Live: false },
                "the topology never showed the host unreachable", timeout.Token);
            Assert.DoesNotContain(live.Current.Containers, c => c.Name == name);

            await SecondEngine.StartAsync(engineName, timeout.Token);
            await CreateRedisLikeAsync(settings, prefix, timeout.Token);
            await WaitAsync(() => Host(live) is { Reachable: true } && live.Current.Containers.Any(c => c.Name == name) && Stream(live) is { Live: true },
                "the topology never recovered", timeout.Token);
            Assert.Null(live.LastError);
        }
        finally
        {
            await SecondEngine.StopAsync(engineName);
        }
    }

    private static TopologyHost? Host(TopologyLive live) => live.Current.Hosts.SingleOrDefault(h => h.Name == "backend");

    private static EventStreamState? Stream(TopologyLive live) => live.Streams.SingleOrDefault(s => s.Host == "backend");

    private static async Task WaitAsync(Func<bool> condition, string failure, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task<string> CreateRedisLikeAsync(Dictionary<string, string?> settings, string prefix, CancellationToken cancellationToken)
    {
        await using var services = DockerFixture.BuildServices(settings);
        var engine = services.GetRequiredService<IDockerHosts>().Get("backend");
        var name = $"{prefix}-kobobe-redis_cache-1";
        var id = await engine.CreateContainerAsync(new ContainerSpec
        {
            Image = DockerFixture.Image,
            Name = name,
            Cmd = ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"],
            Networks = [new NetworkSpec("none")],
            Labels = new Dictionary<string, string>
            {
                ["com.docker.compose.project"] = $"{prefix}-kobobe",
                ["com.docker.compose.service"] = "redis_cache",
                ["com.docker.compose.oneoff"] = "False",
                [DockerFixture.TestLabel] = "faults",
            },
        }, cancellationToken);
        await engine.StartContainerAsync(id, cancellationToken);
        return name;
    }
}
