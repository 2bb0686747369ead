using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Tests.Features.Topology;

/// <summary>An engine that never answers, as the adapter reports it: every call throws <see cref="DockerUnreachableException"/>.</summary>
internal sealed class DownEngine(string name) : IContainerEngine, IDockerHosts
{
    public string Name => name;

    public string Endpoint => "unix:///run/gone.sock";

    public IReadOnlyList<IContainerEngine> All => [this];

    public IContainerEngine Get(string hostName) => this;

    public Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken) => Task.FromException<EngineInfo>(Down());

    public Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(ContainerQuery query, CancellationToken cancellationToken) => Task.FromException<IReadOnlyList<ContainerSummary>>(Down());

    public Task<ContainerDetails> InspectContainerAsync(string id, CancellationToken cancellationToken) => Task.FromException<ContainerDetails>(Down());

    public async IAsyncEnumerable<EngineEvent> StreamEventsAsync(EventQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        throw Down();
#pragma warning disable CS0162 // an iterator needs a yield
        yield break;
#pragma warning restore CS0162
    }

    public IAsyncEnumerable<LogLine> ReadLogsAsync(string id, LogQuery query, CancellationToken cancellationToken) => throw Down();

    public Task<IExecSession> StartExecAsync(string id, ExecSpec spec, CancellationToken cancellationToken) => throw Down();

    public Task<ExecResult> ExecAsync(string id, IReadOnlyList<string> cmd, CancellationToken cancellationToken) => throw Down();

    public Task<ContainerStatsReading> ReadStatsAsync(string id, CancellationToken cancellationToken) => throw Down();

    public Task<Stream> GetArchiveAsync(string id, string path, CancellationToken cancellationToken) => throw Down();

    public Task PutArchiveAsync(string id, string path, Stream tar, CancellationToken cancellationToken) => throw Down();

    public Task<ImageDetails?> InspectImageAsync(string reference, CancellationToken cancellationToken) => throw Down();

    public Task RenameContainerAsync(string id, string newName, CancellationToken cancellationToken) => throw Down();

    public Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken) => throw Down();

    public Task StartContainerAsync(string id, CancellationToken cancellationToken) => throw Down();

    public Task StopContainerAsync(string id, TimeSpan? timeout, CancellationToken cancellationToken) => throw Down();

    public Task RestartContainerAsync(string id, TimeSpan? timeout, CancellationToken cancellationToken) => throw Down();

    public Task RemoveContainerAsync(string id, bool force, CancellationToken cancellationToken) => throw Down();

    public Task RemoveContainerAsync(string id, bool force, bool removeVolumes, CancellationToken cancellationToken) => throw Down();

    public Task<IReadOnlyList<NetworkSummary>> ListNetworksAsync(CancellationToken cancellationToken) => throw Down();

    public Task<string> CreateNetworkAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken) => throw Down();

    public Task<string> CreateNetworkAsync(string name, IReadOnlyDictionary<string, string> labels, bool isInternal, CancellationToken cancellationToken) => throw Down();

    public Task RemoveNetworkAsync(string network, CancellationToken cancellationToken) => throw Down();

    public Task ConnectNetworkAsync(string network, string id, IReadOnlyList<string> aliases, CancellationToken cancellationToken) => throw Down();

    public Task DisconnectNetworkAsync(string network, string id, bool force, CancellationToken cancellationToken) => throw Down();

    private DockerUnreachableException Down() => new(name, Endpoint, "connection refused");
}
