using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.IntegrationTests.Docker;

/// <summary>Per-test containers and networks, labelled as ours and removed after each test.</summary>
[Collection(DockerEngineGroup.Name)]
public abstract class DockerTestBase(DockerFixture fixture) : IAsyncLifetime
{
    private readonly List<string> _containers = [];
    private readonly List<string> _networks = [];

    protected IContainerEngine Engine => fixture.Engine;

    /// <summary>Every test gets a minute; nothing here may hang the run.</summary>
    protected CancellationToken Timeout { get; } = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    protected static string UniqueName(string kind) => $"kc-da-{kind}-{Guid.NewGuid().ToString("N")[..10]}";

    protected static Dictionary<string, string> OurLabels(params (string Key, string Value)[] extra)
    {
        var labels = new Dictionary<string, string> { [DockerFixture.TestLabel] = DockerFixture.TestLabelValue };
        foreach (var (key, value) in extra)
        {
            labels[key] = value;
        }

        return labels;
    }

    protected async Task<string> CreateAsync(ContainerSpec spec)
    {
        var labels = OurLabels();
        foreach (var (key, value) in spec.Labels)
        {
            labels[key] = value;
        }

        // No network unless a test asks for one: the shared engine's default bridge is not ours
        // to rely on (other test beds reshape the host's networking).
        var networks = spec.Networks.Count == 0 ? [new NetworkSpec("none")] : spec.Networks;
        var id = await Engine.CreateContainerAsync(spec with { Labels = labels, Networks = networks }, Timeout);
        _containers.Add(id);
        return id;
    }

    protected async Task<string> RunAsync(IReadOnlyList<string> cmd, bool tty = false)
    {
        var id = await CreateAsync(new ContainerSpec { Image = DockerFixture.Image, Name = UniqueName("c"), Cmd = cmd, Tty = tty });
        await Engine.StartContainerAsync(id, Timeout);
        return id;
    }

    /// <summary>A container that idles; SIGTERM ends it at once (sleep as PID 1 would ignore it).</summary>
    protected Task<string> RunIdleAsync() => RunAsync(["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]);

    protected async Task<string> CreateNetworkAsync()
    {
        var name = UniqueName("net");
        await Engine.CreateNetworkAsync(name, OurLabels(), Timeout);
        _networks.Add(name);
        return name;
    }

    protected async Task WaitUntilExitedAsync(string id)
    {
        while ((await Engine.InspectContainerAsync(id, Timeout)).Running)
        {
            await Task.Delay(100, Timeout);
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        foreach (var id in _containers)
        {
            try
            {
                await Engine.RemoveContainerAsync(id, force: true, cleanup.Token);
            }
            catch (ContainerNotFoundException)
            {
                // The test removed it itself.
            }
        }

        foreach (var network in _networks)
        {
            await Engine.RemoveNetworkAsync(network, cleanup.Token);
        }
    }
}
