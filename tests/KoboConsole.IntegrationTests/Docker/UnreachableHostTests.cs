using System.Net;
using System.Net.Sockets;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Docker;

/// <summary>Engines that are not there must fail fast with a typed error, never hang.</summary>
public sealed class UnreachableHostTests
{
    // Far above the 1 s connect timeout used here; only there so a regression fails instead of hanging.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task GetInfoAsync_MissingSocket_ThrowsUnreachableNamingEndpoint()
    {
        var endpoint = $"unix:///tmp/kc-da-missing-{Guid.NewGuid():N}.sock";

        var error = await ExpectUnreachableAsync(endpoint, e => e.GetInfoAsync(CancellationToken.None));

        Assert.Equal(endpoint, error.Endpoint);
    }

    [Fact]
    public async Task ListContainersAsync_RefusedTcpPort_ThrowsUnreachableNamingEndpoint()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var endpoint = $"tcp://127.0.0.1:{port}";

        var error = await ExpectUnreachableAsync(endpoint, e => e.ListContainersAsync(new ContainerQuery(), CancellationToken.None));

        Assert.Equal(endpoint, error.Endpoint);
    }

    [Fact]
    public async Task GetInfoAsync_ListenerThatNeverAnswers_ThrowsUnreachableAfterConnectTimeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepted = new List<Socket>();
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                accepted.Add(await listener.AcceptSocketAsync(stop.Token));
            }
        });
        var endpoint = $"tcp://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

        try
        {
            var error = await ExpectUnreachableAsync(endpoint, e => e.GetInfoAsync(CancellationToken.None));

            Assert.Equal(endpoint, error.Endpoint);
            Assert.Contains("no answer within 1 s", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAny(accepting);
            accepted.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task ReadLogsAsync_ListenerThatNeverAnswers_ThrowsUnreachable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var endpoint = $"tcp://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

        // The backlog accepts connections even though nobody calls Accept: a silent server.
        await ExpectUnreachableAsync(endpoint, async e =>
        {
            await foreach (var _ in e.ReadLogsAsync("any", new LogQuery { Follow = true }, CancellationToken.None))
            {
            }
        });
    }

    private static async Task<DockerUnreachableException> ExpectUnreachableAsync(string endpoint, Func<IContainerEngine, Task> call)
    {
        await using var services = DockerFixture.BuildServices(new Dictionary<string, string?>
        {
            ["KoboConsole:Docker:Hosts:0:Name"] = "far",
            ["KoboConsole:Docker:Hosts:0:Endpoint"] = endpoint,
            ["KoboConsole:Docker:Hosts:0:ConnectTimeoutSeconds"] = "1",
        });
        var engine = services.GetRequiredService<IDockerHosts>().Get("far");

        var error = await Assert.ThrowsAsync<DockerUnreachableException>(() => call(engine).WaitAsync(Guard));

        Assert.Equal("far", error.HostName);
        Assert.Contains(endpoint, error.Message, StringComparison.Ordinal);
        return error;
    }
}
