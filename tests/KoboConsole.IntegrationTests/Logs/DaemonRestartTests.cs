using KoboConsole.IntegrationTests.Docker;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Logs;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Logs;

/// <summary>
/// A Docker daemon that goes away and comes back, on a second engine of our own (never the shared
/// one). engine.sh's restart loses the engine's state, as a rebuilt host would, so the container is
/// created again under the same name, as Compose would.
/// </summary>
public sealed class DaemonRestartTests : IClassFixture<TestBedFixture>
{
    [Fact]
    public async Task StreamLogs_DaemonRestarts_ShowsReconnectingAndResumes()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var engineName = "lgd" + Guid.NewGuid().ToString("N")[..8];
        var prefix = "lgd" + Guid.NewGuid().ToString("N")[..6];
        var socket = await StartSecondAsync(engineName, timeout.Token);
        try
        {
            var settings = new Dictionary<string, string?>
            {
                ["KoboConsole:Docker:Hosts:0:Name"] = "backend",
                ["KoboConsole:Docker:Hosts:0:Endpoint"] = socket,
                ["KoboConsole:Stack:Prefix"] = prefix,
            };
            var name = await RunTickerAsync(settings, prefix, "before", timeout.Token);
            await using var app = new ConsoleAppFactory(settings, realPort: true);
            app.StartRealServer();
            var token = await LogsTestBaseAccess.TokenAsync(app, timeout.Token);
            await using var hub = new HubConnectionBuilder()
                .WithUrl(new Uri(app.ServerAddress!, "/hubs/logs"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
                .Build();
            await hub.StartAsync(timeout.Token);

            var items = new List<LogItem>();
            var restarted = false;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            await foreach (var batch in hub.StreamAsync<List<LogItem>>("StreamLogs", new LogStreamRequest { Containers = [name], Tail = 0 }, stop.Token))
            {
                items.AddRange(batch);
                if (!restarted && items.Count(i => i.Text.StartsWith("before", StringComparison.Ordinal)) >= 3)
                {
                    restarted = true;
                    await ScriptRunner.ScriptAsync("engine.sh", ["stop-second", engineName], TimeSpan.FromMinutes(1), timeout.Token);
                    _ = Task.Run(async () =>
                    {
                        // Let the reader notice first, then bring the engine and the container back.
                        await Task.Delay(3000, timeout.Token);
                        await StartSecondAsync(engineName, timeout.Token);
                        await RunTickerAsync(settings, prefix, "after", timeout.Token);
                    }, timeout.Token);
                }

                if (items.Count(i => i.Text.StartsWith("after", StringComparison.Ordinal)) >= 3)
                {
                    await stop.CancelAsync();
                    break;
                }
            }

            var reconnecting = items.FindIndex(i => i.Stream == LogItem.Notice && i.Text.StartsWith("reconnecting", StringComparison.Ordinal));
            var back = items.FindIndex(i => i.Stream == LogItem.Notice && i.Text.Contains("answers again", StringComparison.Ordinal));
            var firstAfter = items.FindIndex(i => i.Text.StartsWith("after", StringComparison.Ordinal));
            Assert.True(reconnecting > 0, "no 'reconnecting' notice");
            Assert.InRange(back, reconnecting + 1, firstAfter - 1);
            Assert.True(items.FindLastIndex(i => i.Text.StartsWith("before", StringComparison.Ordinal)) < reconnecting);
        }
        finally
        {
            await ScriptRunner.ScriptAsync("engine.sh", ["stop-second", engineName], TimeSpan.FromMinutes(1), CancellationToken.None);
        }
    }

    private static async Task<string> StartSecondAsync(string engineName, CancellationToken cancellationToken)
    {
        var result = await ScriptRunner.ScriptAsync("engine.sh", ["second", engineName], TimeSpan.FromMinutes(2), cancellationToken);
        Assert.True(result.ExitCode == 0, result.StdErr);
        var path = result.StdOut.Trim().Split('\n')[^1].Trim();
        return path.StartsWith("unix://", StringComparison.Ordinal) ? path : "unix://" + path;
    }

    private static async Task<string> RunTickerAsync(Dictionary<string, string?> settings, string prefix, string word, CancellationToken cancellationToken)
    {
        await using var services = DockerFixture.BuildServices(settings);
        var engine = services.GetRequiredService<IDockerHosts>().Get("backend");
        var name = $"{prefix}-kobobe-postgres-1";
        var id = await engine.CreateContainerAsync(new ContainerSpec
        {
            Image = DockerFixture.Image,
            Name = name,
            Cmd = ["sh", "-c", $"trap 'exit 0' TERM; i=0; while true; do echo {word}$i; i=$((i+1)); sleep 0.2; done"],
            Networks = [new NetworkSpec("none")],
            Labels = new Dictionary<string, string>
            {
                ["com.docker.compose.project"] = $"{prefix}-kobobe",
                ["com.docker.compose.service"] = "postgres",
                ["com.docker.compose.oneoff"] = "False",
                [DockerFixture.TestLabel] = "logs",
            },
        }, cancellationToken);
        await engine.StartContainerAsync(id, cancellationToken);
        return name;
    }
}
