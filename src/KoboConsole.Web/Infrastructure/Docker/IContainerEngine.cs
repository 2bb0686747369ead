using System.Diagnostics.CodeAnalysis;

namespace KoboConsole.Web.Infrastructure.Docker;

/// <summary>Every configured Docker engine, by name.</summary>
public interface IDockerHosts
{
    IReadOnlyList<IContainerEngine> All { get; }

    /// <exception cref="UnknownDockerHostException">No host has that name.</exception>
    [SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "C# only; reads best at call sites: hosts.Get(\"backend\").")]
    IContainerEngine Get(string hostName);
}

/// <summary>
/// One Docker engine. Methods throw <see cref="DockerUnreachableException"/>,
/// <see cref="ContainerNotFoundException"/> or <see cref="DockerOperationException"/>, never library exceptions.
/// </summary>
public interface IContainerEngine
{
    string Name { get; }

    string Endpoint { get; }

    Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(ContainerQuery query, CancellationToken cancellationToken);

    Task<ContainerDetails> InspectContainerAsync(string id, CancellationToken cancellationToken);

    IAsyncEnumerable<EngineEvent> StreamEventsAsync(EventQuery query, CancellationToken cancellationToken);

    /// <summary>Whole lines, stdout and stderr flagged; lines over 16 KiB are cut with a marker.</summary>
    IAsyncEnumerable<LogLine> ReadLogsAsync(string id, LogQuery query, CancellationToken cancellationToken);

    /// <summary>One read of the container's CPU, memory and network counters (Docker's one-shot stats: no second read, no wait).</summary>
    Task<ContainerStatsReading> ReadStatsAsync(string id, CancellationToken cancellationToken);

    /// <summary>Starts a process; write stdin and read output concurrently (the pipe is bounded both ways).</summary>
    Task<IExecSession> StartExecAsync(string id, ExecSpec spec, CancellationToken cancellationToken);

    /// <summary>Runs a command without stdin and buffers its output: for small outputs only.</summary>
    Task<ExecResult> ExecAsync(string id, IReadOnlyList<string> cmd, CancellationToken cancellationToken);

    /// <summary>A tar of <paramref name="path"/>; the caller disposes the stream.</summary>
    Task<Stream> GetArchiveAsync(string id, string path, CancellationToken cancellationToken);

    /// <summary>Extracts the tar into the directory <paramref name="path"/> (which must exist).</summary>
    Task PutArchiveAsync(string id, string path, Stream tar, CancellationToken cancellationToken);

    Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken);

    /// <summary>The image a reference (<c>name:tag</c> or an id) points to on this host; null when the host does not have it.</summary>
    Task<ImageDetails?> InspectImageAsync(string reference, CancellationToken cancellationToken);

    Task RenameContainerAsync(string id, string newName, CancellationToken cancellationToken);

    Task StartContainerAsync(string id, CancellationToken cancellationToken);

    Task StopContainerAsync(string id, TimeSpan? timeout, CancellationToken cancellationToken);

    Task RestartContainerAsync(string id, TimeSpan? timeout, CancellationToken cancellationToken);

    Task RemoveContainerAsync(string id, bool force, CancellationToken cancellationToken);

    /// <summary>Removes the container and, with <paramref name="removeVolumes"/>, the anonymous volumes its image declared.</summary>
    Task RemoveContainerAsync(string id, bool force, bool removeVolumes, CancellationToken cancellationToken);

    Task<IReadOnlyList<NetworkSummary>> ListNetworksAsync(CancellationToken cancellationToken);

    Task<string> CreateNetworkAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken);

    /// <summary>A bridge network; <paramref name="isInternal"/> gives it no route out and no published ports (Docker's <c>--internal</c>).</summary>
    Task<string> CreateNetworkAsync(string name, IReadOnlyDictionary<string, string> labels, bool isInternal, CancellationToken cancellationToken);

    Task RemoveNetworkAsync(string network, CancellationToken cancellationToken);

    Task ConnectNetworkAsync(string network, string id, IReadOnlyList<string> aliases, CancellationToken cancellationToken);

    Task DisconnectNetworkAsync(string network, string id, bool force, CancellationToken cancellationToken);
}

/// <summary>A running exec: stdin in, stdout/stderr out, exit code at the end.</summary>
public interface IExecSession : IAsyncDisposable
{
    string ExecId { get; }

    Task WriteStdinAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Copies <paramref name="source"/> to stdin (does not close stdin).</summary>
    Task CopyToStdinAsync(Stream source, CancellationToken cancellationToken);

    /// <summary>Ends the process's input (half-closes the connection), so <c>cat</c> or <c>wc</c> finish.</summary>
    Task CloseStdinAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Copies stdout into <paramref name="stdout"/> and keeps the last <paramref name="maxStderrBytes"/>
    /// of stderr, until the process closes its output. Call it once.
    /// </summary>
    Task<ExecOutput> ReadOutputAsync(Stream stdout, int maxStderrBytes, CancellationToken cancellationToken);

    /// <summary>Waits until Docker reports the process ended and returns its exit code.</summary>
    Task<int> WaitForExitAsync(CancellationToken cancellationToken);
}
