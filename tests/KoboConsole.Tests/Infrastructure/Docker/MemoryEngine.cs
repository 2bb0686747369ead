using System.Collections.Concurrent;
using System.Formats.Tar;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Tests.Infrastructure.Docker;

/// <summary>
/// An in-memory Docker engine for the fast tier: containers that are created, started, stopped,
/// renamed by creation, removed, connected to networks and given files, images loaded under tags
/// (<see cref="Image"/>), with the events a real engine sends. A test shapes it (<see cref="Add"/>), makes an operation slow or failing
/// (<see cref="When"/>), and reads what happened (<see cref="Calls"/>, <see cref="InFlight"/>). What
/// it cannot do (execs, logs) is refused with a <see cref="DockerOperationException"/>, as a
/// daemon refuses. Real behaviour stays proven by the integration tests against a real engine.
/// </summary>
internal sealed class MemoryEngine(string name = "main") : IContainerEngine
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Box> _containers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NetworkSummary> _networks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ImageDetails> _images = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _tags = new(StringComparer.Ordinal);
    private readonly List<Channel<EngineEvent>> _watchers = [];
    private readonly ConcurrentDictionary<(string Op, string Name), Func<CancellationToken, Task>> _hooks = new();
    private readonly ConcurrentBag<(string Op, Func<string, bool> Matches, Func<CancellationToken, Task> Hook)> _matchHooks = [];
    private int _next;
    private int _inFlight;

    public string Name => name;

    public string Endpoint => $"memory://{name}";

    /// <summary>Every state-changing call as <c>op name</c>, in order.</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>The most stop/start calls that were under way at once.</summary>
    public int MaxInFlight { get; private set; }

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The stop timeout each stop call was given, by container name.</summary>
    public ConcurrentDictionary<string, TimeSpan?> StopTimeouts { get; } = new(StringComparer.Ordinal);

    /// <summary>A container as a compose project made it; returns its id.</summary>
    public string Add(string containerName, bool running = true, IReadOnlyDictionary<string, string>? labels = null, int? stopTimeoutSeconds = null,
        IReadOnlyList<string>? networks = null, IReadOnlyList<PortMapping>? ports = null, string image = "kobotoolbox/stand-in", IReadOnlyList<string>? env = null)
    {
        lock (_lock)
        {
            var id = NewId();
            _containers[id] = new Box(id, containerName, image, labels ?? new Dictionary<string, string>(), running, stopTimeoutSeconds,
                [.. (networks ?? []).Select(n => new NetworkAttachment(n, "net-" + n, [], null))], [.. ports ?? []], new Dictionary<string, byte[]>(StringComparer.Ordinal), null)
            {
                EverStarted = true, // a compose project's container has run before, even when it is stopped now
                Env = env ?? [],
                ImageId = ImageIdOf(image),
            };
            return id;
        }
    }

    /// <summary>
    /// Loads an image under <paramref name="tag"/>, as <c>docker load</c> or <c>docker pull</c> does: the
    /// tag moves to the new image (the previous one stays, by id, for containers that run it). Containers
    /// added or created with that tag afterwards run the new image. Returns its id (<c>sha256:...</c>).
    /// </summary>
    public string Image(string tag, DateTimeOffset created)
    {
        lock (_lock)
        {
            var id = "sha256:" + NewId();
            _images[id] = new ImageDetails(id, [tag], created, [], [], [], new Dictionary<string, string>());
            foreach (var (otherId, other) in _images.Where(i => i.Key != id && i.Value.Tags.Contains(tag)).ToList())
            {
                _images[otherId] = other with { Tags = [.. other.Tags.Where(t => t != tag)] };
            }

            _tags[tag] = id;
            return id;
        }
    }

    /// <summary>Runs <paramref name="hook"/> before <paramref name="op"/> (create, start, stop, remove, put) of the container named <paramref name="containerName"/>: a delay, a gate, or a throw.</summary>
    public void When(string op, string containerName, Func<CancellationToken, Task> hook) => _hooks[(op, containerName)] = hook;

    /// <summary>As <see cref="When(string, string, Func{CancellationToken, Task})"/>, for every container whose name <paramref name="matches"/> (one the code under test names itself).</summary>
    public void When(string op, Func<string, bool> matches, Func<CancellationToken, Task> hook) => _matchHooks.Add((op, matches, hook));

    public bool IsRunning(string containerName) => Find(containerName)?.Running ?? false;

    public bool Exists(string containerName) => Find(containerName) is not null;

    /// <summary>The files put into a container, by path (the tar as sent).</summary>
    public IReadOnlyDictionary<string, byte[]> Files(string containerName) => Find(containerName)?.Files ?? new Dictionary<string, byte[]>();

    public ContainerSpec? SpecOf(string containerName) => Find(containerName)?.Spec;

    public Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new EngineInfo("20.10.24", "1.41", "1.12", "linux", "x86_64", "6.1.0"));

    public Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(ContainerQuery query, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<ContainerSummary>>([.. _containers.Values
                .Where(c => query.All || c.Running)
                .Where(c => query.Labels.All(f => c.Labels.TryGetValue(f.Key, out var v) && (f.Value is null || f.Value == v)))
                .Select(c => new ContainerSummary(c.Id, ["/" + c.Name], c.Image, c.State, c.Running ? "Up 1 minute" : "Exited (0) 1 minute ago",
                    c.Labels, DateTimeOffset.UnixEpoch, c.Ports, c.Networks))]);
        }
    }

    public Task<ContainerDetails> InspectContainerAsync(string id, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var c = Get(id);
            return Task.FromResult(new ContainerDetails(c.Id, c.Name, c.Image, c.ImageId,
                c.State, c.Running, 0, new HealthInfo("none", 0, null, null, null), 0, DateTimeOffset.UnixEpoch, c.Running ? DateTimeOffset.UnixEpoch : null, null, false,
                c.Spec?.Cmd ?? [], c.Spec?.Env ?? c.Env, c.Labels, [], c.Networks, c.Ports, c.Spec?.ExtraHosts ?? [], c.StopTimeoutSeconds));
        }
    }

    public async IAsyncEnumerable<EngineEvent> StreamEventsAsync(EventQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<EngineEvent>();
        lock (_lock)
        {
            _watchers.Add(channel);
        }

        try
        {
            await foreach (var e in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return e;
            }
        }
        finally
        {
            lock (_lock)
            {
                _watchers.Remove(channel);
            }
        }
    }

    public IAsyncEnumerable<LogLine> ReadLogsAsync(string id, LogQuery query, CancellationToken cancellationToken) => throw Refused();

    public Task<ContainerStatsReading> ReadStatsAsync(string id, CancellationToken cancellationToken) => Task.FromException<ContainerStatsReading>(Refused());

    public Task<IExecSession> StartExecAsync(string id, ExecSpec spec, CancellationToken cancellationToken) => Task.FromException<IExecSession>(Refused());

    public Task<ExecResult> ExecAsync(string id, IReadOnlyList<string> cmd, CancellationToken cancellationToken) => Task.FromException<ExecResult>(Refused());

    public Task<Stream> GetArchiveAsync(string id, string path, CancellationToken cancellationToken)
    {
        byte[]? content;
        lock (_lock)
        {
            content = Get(id).Files.GetValueOrDefault(path);
        }

        if (content is null)
        {
            return Task.FromException<Stream>(new DockerOperationException(name, "read an archive", 404, $"Could not find the file {path} in container {id}"));
        }

        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, Path.GetFileName(path)) { DataStream = new MemoryStream(content) });
        }

        tar.Position = 0;
        return Task.FromResult<Stream>(tar);
    }

    /// <summary>
    /// What answers HTTP on a published port: the running container that publishes
    /// <paramref name="port"/>, through <paramref name="respond"/>; nothing running there is a refused connection.
    /// </summary>
    public HttpMessageHandler Web(int port, Func<Served, HttpRequestMessage, HttpResponseMessage> respond) => new WebHandler(this, port, respond);

    public sealed record Served(string Name, string Image, IReadOnlyDictionary<string, byte[]> Files);

    private Served? ServingOn(int port)
    {
        lock (_lock)
        {
            return _containers.Values.FirstOrDefault(c => c.Running && c.Ports.Any(p => p.HostPort == port)) is { } c
                ? new Served(c.Name, c.Image, new Dictionary<string, byte[]>(c.Files, StringComparer.Ordinal))
                : null;
        }
    }

    private sealed class WebHandler(MemoryEngine engine, int port, Func<Served, HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Yield();
            return engine.ServingOn(port) is { } served
                ? respond(served, request)
                : throw new HttpRequestException($"Connection refused (127.0.0.1:{port})");
        }
    }

    public async Task PutArchiveAsync(string id, string path, Stream tar, CancellationToken cancellationToken)
    {
        var box = Lookup(id);
        await HookAsync("put", box.Name, cancellationToken);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using (var reader = new TarReader(tar, leaveOpen: true))
        {
            while (await reader.GetNextEntryAsync(copyData: true, cancellationToken) is { } entry)
            {
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && entry.DataStream is { } data)
                {
                    using var bytes = new MemoryStream();
                    await data.CopyToAsync(bytes, cancellationToken);
                    files[path.TrimEnd('/') + "/" + entry.Name.TrimStart('.', '/')] = bytes.ToArray();
                }
            }
        }

        lock (_lock)
        {
            foreach (var (file, bytes) in files)
            {
                Get(id).Files[file] = bytes;
            }
        }

        Calls.Enqueue($"put {box.Name}");
    }

    public async Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        var containerName = spec.Name ?? "c" + Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await HookAsync("create", containerName, cancellationToken);
        string id;
        lock (_lock)
        {
            if (_containers.Values.Any(c => c.Name == containerName))
            {
                throw new DockerOperationException(name, "create a container", 409, $"Conflict. The container name \"/{containerName}\" is already in use");
            }

            id = NewId();
            _containers[id] = new Box(id, containerName, spec.Image, spec.Labels, false, null,
                [.. spec.Networks.Select(n => new NetworkAttachment(n.Name, "net-" + n.Name, n.Aliases ?? [], null))],
                [.. spec.Ports.Select(p => new PortMapping(p.HostIp, p.HostPort, p.ContainerPort, p.Protocol))], new Dictionary<string, byte[]>(StringComparer.Ordinal), spec)
            {
                ImageId = ImageIdOf(spec.Image),
            };
        }

        Calls.Enqueue($"create {containerName}");
        Publish("create", id, containerName);
        return id;
    }

    public Task StartContainerAsync(string id, CancellationToken cancellationToken) => ChangeAsync("start", id, null, true, cancellationToken);

    public Task StopContainerAsync(string id, TimeSpan? timeout, CancellationToken cancellationToken) => ChangeAsync("stop", id, timeout, false, cancellationToken);

    public async Task RestartContainerAsync(string id, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        await StopContainerAsync(id, timeout, cancellationToken);
        await StartContainerAsync(id, cancellationToken);
    }

    public Task RemoveContainerAsync(string id, bool force, CancellationToken cancellationToken) => RemoveContainerAsync(id, force, false, cancellationToken);

    public async Task RemoveContainerAsync(string id, bool force, bool removeVolumes, CancellationToken cancellationToken)
    {
        var box = Lookup(id);
        await HookAsync("remove", box.Name, cancellationToken);
        lock (_lock)
        {
            if (box.Running && !force)
            {
                throw new DockerOperationException(name, "remove a container", 409, $"You cannot remove a running container {id}. Stop the container before attempting removal or force remove");
            }

            _containers.Remove(box.Id);
        }

        Calls.Enqueue($"remove {box.Name}");
        Publish("destroy", box.Id, box.Name);
    }

    /// <summary>No images are known here: the host "does not have" any reference.</summary>
    /// <summary>By id or tag, as Docker resolves a reference; null for one never loaded (<see cref="Image"/>).</summary>
    public Task<ImageDetails?> InspectImageAsync(string reference, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var id = _tags.TryGetValue(reference, out var tagged) ? tagged : reference;
            return Task.FromResult(_images.TryGetValue(id, out var image) ? image : null);
        }
    }

    public Task RenameContainerAsync(string id, string newName, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_containers.Values.Any(c => c.Name == newName))
            {
                throw new DockerOperationException(name, "rename a container", 409, $"Conflict. The container name \"/{newName}\" is already in use");
            }

            Get(id).Name = newName;
        }

        Calls.Enqueue($"rename {newName}");
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<NetworkSummary>> ListNetworksAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<NetworkSummary>>([.. _networks.Values]);
        }
    }

    public Task<string> CreateNetworkAsync(string networkName, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken) =>
        CreateNetworkAsync(networkName, labels, false, cancellationToken);

    public Task<string> CreateNetworkAsync(string networkName, IReadOnlyDictionary<string, string> labels, bool isInternal, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _networks[networkName] = new NetworkSummary("net-" + networkName, networkName, "bridge", "local", labels);
            return Task.FromResult("net-" + networkName);
        }
    }

    public Task RemoveNetworkAsync(string network, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _networks.Remove(network);
            return Task.CompletedTask;
        }
    }

    public Task ConnectNetworkAsync(string network, string id, IReadOnlyList<string> aliases, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var c = Get(id);
            c.Networks = [.. c.Networks.Where(n => n.Name != network), new NetworkAttachment(network, "net-" + network, aliases, null)];
            return Task.CompletedTask;
        }
    }

    public Task DisconnectNetworkAsync(string network, string id, bool force, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var c = Get(id);
            c.Networks = [.. c.Networks.Where(n => n.Name != network)];
            return Task.CompletedTask;
        }
    }

    private async Task ChangeAsync(string op, string id, TimeSpan? timeout, bool running, CancellationToken cancellationToken)
    {
        var box = Lookup(id);
        var now = Interlocked.Increment(ref _inFlight);
        lock (_lock)
        {
            MaxInFlight = Math.Max(MaxInFlight, now);
        }

        try
        {
            if (op == "stop")
            {
                StopTimeouts[box.Name] = timeout;
            }

            await HookAsync(op, box.Name, cancellationToken);
            lock (_lock)
            {
                Get(id).Running = running;
            }

            Calls.Enqueue($"{op} {box.Name}");
            Publish(op == "stop" ? "die" : op, box.Id, box.Name);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task HookAsync(string op, string containerName, CancellationToken cancellationToken)
    {
        if (_hooks.TryGetValue((op, containerName), out var hook))
        {
            await hook(cancellationToken);
        }

        foreach (var (_, _, matched) in _matchHooks.Where(h => h.Op == op && h.Matches(containerName)))
        {
            await matched(cancellationToken);
        }

        await Task.Yield(); // never complete synchronously: callers that run many at once really overlap
    }

    private void Publish(string action, string id, string containerName)
    {
        var e = new EngineEvent("container", action, id, new Dictionary<string, string> { ["name"] = containerName }, DateTimeOffset.UtcNow);
        lock (_lock)
        {
            foreach (var w in _watchers)
            {
                w.Writer.TryWrite(e);
            }
        }
    }

    private Box Lookup(string id)
    {
        lock (_lock)
        {
            return Get(id);
        }
    }

    // By id, id prefix or name, as Docker resolves them.
    private Box Get(string id) =>
        _containers.TryGetValue(id, out var box) ? box
        : _containers.Values.FirstOrDefault(c => c.Name == id.TrimStart('/') || (id.Length >= 6 && c.Id.StartsWith(id, StringComparison.Ordinal)))
          ?? throw new ContainerNotFoundException(name, id);

    private Box? Find(string containerName)
    {
        lock (_lock)
        {
            return _containers.Values.FirstOrDefault(c => c.Name == containerName);
        }
    }

    // The image the tag points to now, or a stable made-up id for an image never loaded.
    private string ImageIdOf(string image) =>
        _tags.TryGetValue(image, out var id) ? id : "sha256:" + image.GetHashCode(StringComparison.Ordinal).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);

    private string NewId() => Convert.ToHexStringLower(BitConverter.GetBytes(Interlocked.Increment(ref _next) * 2654435761L)) + new string('0', 48);

    private DockerOperationException Refused([CallerMemberName] string method = "") => new(name, method, null, "not part of the in-memory engine");

    private sealed class Box(string id, string name, string image, IReadOnlyDictionary<string, string> labels, bool running, int? stopTimeoutSeconds,
        IReadOnlyList<NetworkAttachment> networks, IReadOnlyList<PortMapping> ports, Dictionary<string, byte[]> files, ContainerSpec? spec)
    {
        public string Id { get; } = id;
        public string Name { get; set; } = name;
        public string Image { get; } = image;
        public IReadOnlyDictionary<string, string> Labels { get; } = labels;
        public bool Running
        {
            get;
            set
            {
                field = value;
                EverStarted |= value;
            }
        } = running;

        public bool EverStarted { get; set; } = running;

        public string State => Running ? "running" : EverStarted ? "exited" : "created";
        public int? StopTimeoutSeconds { get; } = stopTimeoutSeconds;
        public IReadOnlyList<NetworkAttachment> Networks { get; set; } = networks;
        public IReadOnlyList<PortMapping> Ports { get; } = ports;
        public Dictionary<string, byte[]> Files { get; } = files;
        public ContainerSpec? Spec { get; } = spec;
        public IReadOnlyList<string> Env { get; init; } = [];
        public string ImageId { get; init; } = "";
    }
}

/// <summary>Several in-memory engines as the console's Docker hosts.</summary>
internal sealed class MemoryHosts(params MemoryEngine[] engines) : IDockerHosts
{
    public IReadOnlyList<IContainerEngine> All => engines;

    public IContainerEngine Get(string hostName) =>
        engines.FirstOrDefault(e => e.Name == hostName) ?? throw new UnknownDockerHostException(hostName, engines.Select(e => e.Name));
}
