using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Tests.Features.Checks;

/// <summary>
/// One in-memory Docker engine (also the host list): it lists and inspects the containers it was
/// given, follows events until cancelled (or fails the stream when <see cref="StreamFails"/>),
/// and counts every call, so a test sees what a read cost. Anything else is refused.
/// </summary>
internal sealed class FakeEngine(IReadOnlyList<ContainerDetails> containers, IReadOnlyDictionary<string, string> services) : IContainerEngine, IDockerHosts
{
    public const string Host = "main";

    public ConcurrentQueue<string> Calls { get; } = new();

    public bool StreamFails { get; init; }

    public string Name => Host;

    public string Endpoint => "unix:///run/fake.sock";

    public IReadOnlyList<IContainerEngine> All => [this];

    public IContainerEngine Get(string hostName) => this;

    public int Count(string method) => Calls.Count(c => c == method);

    /// <summary>A container of a kobo project as Docker inspects it.</summary>
    public static ContainerDetails Container(string name, string state, params string[] env) => new(
        name + "-id", name, "kobotoolbox/" + name, "sha256:1", state, state == "running", 0, new HealthInfo("none", 0, null, null, null), 0,
        DateTimeOffset.UnixEpoch, state == "running" ? DateTimeOffset.UnixEpoch : null, null, false, [], env, new Dictionary<string, string>(), [], [], [], []);

    public Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken)
    {
        Calls.Enqueue(nameof(GetInfoAsync));
        return Task.FromResult(new EngineInfo("27.0.0", "1.47", "1.24", "linux", "x86_64", "6.1.0"));
    }

    public Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(ContainerQuery query, CancellationToken cancellationToken)
    {
        Calls.Enqueue(nameof(ListContainersAsync));
        return Task.FromResult<IReadOnlyList<ContainerSummary>>([.. containers.Select(c => new ContainerSummary(
            c.Id, ["/" + c.Name], c.Image, c.State, c.Running ? "Up 1 minute" : "Exited (0) 1 minute ago",
            new Dictionary<string, string> { ["com.docker.compose.project"] = services[c.Name] == "maintenance" ? "kobomaintenance" : "kobofe", ["com.docker.compose.service"] = services[c.Name] },
            c.Created, [], [])).Where(c => query.Labels.All(f => c.Labels.TryGetValue(f.Key, out var v) && (f.Value is null || f.Value == v)))]);
    }

    public Task<ContainerDetails> InspectContainerAsync(string id, CancellationToken cancellationToken)
    {
        Calls.Enqueue(nameof(InspectContainerAsync));
        return containers.FirstOrDefault(c => c.Id == id) is { } c
            ? Task.FromResult(c)
            : Task.FromException<ContainerDetails>(new ContainerNotFoundException(Host, id));
    }

    public async IAsyncEnumerable<EngineEvent> StreamEventsAsync(EventQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Calls.Enqueue(nameof(StreamEventsAsync));
        if (StreamFails)
        {
            throw new DockerUnreachableException(Host, Endpoint, "the event stream broke");
        }

        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield break;
    }

    public async IAsyncEnumerable<LogLine> ReadLogsAsync(string id, LogQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        throw Refused();
#pragma warning disable CS0162 // an iterator needs a yield
        yield break;
#pragma warning restore CS0162
    }

    /// <summary>What an exec runs, when a test gives one; otherwise execs are refused.</summary>
    public Func<string, ExecSpec, IExecSession>? Exec { get; init; }

    public Task<IExecSession> StartExecAsync(string id, ExecSpec spec, CancellationToken cancellationToken)
    {
        Calls.Enqueue(nameof(StartExecAsync));
        return Exec is { } exec ? Task.FromResult(exec(id, spec)) : Task.FromException<IExecSession>(Refused());
    }

    public Task<ExecResult> ExecAsync(string id, IReadOnlyList<string> cmd, CancellationToken cancellationToken) => Task.FromException<ExecResult>(Refused());

    public Task<ContainerStatsReading> ReadStatsAsync(string id, CancellationToken cancellationToken) => Task.FromException<ContainerStatsReading>(Refused());

    public Task<Stream> GetArchiveAsync(string id, string path, CancellationToken cancellationToken) => Task.FromException<Stream>(Refused());

    public Task PutArchiveAsync(string id, string path, Stream tar, CancellationToken cancellationToken) => Task.FromException(Refused());

    public Task<ImageDetails?> InspectImageAsync(string reference, CancellationToken cancellationToken) => Task.FromException<ImageDetails?>(Refused());

    public Task RenameContainerAsync(string id, string newName, CancellationToken cancellationToken) => Task.FromException(Refused());

    public Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken) => Task.FromException<string>(Refused());

    public Task StartContainerAsync(string id, CancellationToken cancellationToken) => Task.FromException(Refused());

    public Task StopContainerAsync(string id, TimeSpan? timeout, CancellationToken cancellationToken) => Task.FromException(Refused());

    public Task RestartContainerAsync(string id, TimeSpan? timeout, CancellationToken cancellationToken) => Task.FromException(Refused());

    public Task RemoveContainerAsync(string id, bool force, CancellationToken cancellationToken) => Task.FromException(Refused());

    public Task RemoveContainerAsync(string id, bool force, bool removeVolumes, CancellationToken cancellationToken) => Task.FromException(Refused());

    public Task<IReadOnlyList<NetworkSummary>> ListNetworksAsync(CancellationToken cancellationToken) => Task.FromException<IReadOnlyList<NetworkSummary>>(Refused());

    public Task<string> CreateNetworkAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken) => Task.FromException<string>(Refused());

    public Task<string> CreateNetworkAsync(string name, IReadOnlyDictionary<string, string> labels, bool isInternal, CancellationToken cancellationToken) => Task.FromException<string>(Refused());

    public Task RemoveNetworkAsync(string network, CancellationToken cancellationToken) => Task.FromException(Refused());

    public Task ConnectNetworkAsync(string network, string id, IReadOnlyList<string> aliases, CancellationToken cancellationToken) => Task.FromException(Refused());

    public Task DisconnectNetworkAsync(string network, string id, bool force, CancellationToken cancellationToken) => Task.FromException(Refused());

    private static DockerOperationException Refused([CallerMemberName] string method = "") => new(Host, method, null, "not part of this fake engine");
}
