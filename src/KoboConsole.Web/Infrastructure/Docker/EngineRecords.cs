namespace KoboConsole.Web.Infrastructure.Docker;

public sealed record EngineInfo(
    string Version,
    string ApiVersion,
    string MinApiVersion,
    string Os,
    string Arch,
    string KernelVersion);

/// <summary>Which containers to list. Label filters combine with AND, as Docker's do.</summary>
public sealed record ContainerQuery
{
    /// <summary>Include stopped containers (Docker's <c>all</c>).</summary>
    public bool All { get; init; } = true;

    public IReadOnlyList<LabelFilter> Labels { get; init; } = [];

    public static ContainerQuery WithLabel(string key, string? value = null) => new() { Labels = [new LabelFilter(key, value)] };
}

/// <summary>A label that must be present (<paramref name="Value"/> null) or equal <paramref name="Value"/>.</summary>
public sealed record LabelFilter(string Key, string? Value = null)
{
    internal string ToDockerFilter() => Value is null ? Key : $"{Key}={Value}";
}

public sealed record PortMapping(string? HostIp, int? HostPort, int ContainerPort, string Protocol);

public sealed record NetworkAttachment(string Name, string? NetworkId, IReadOnlyList<string> Aliases, string? IpAddress);

public sealed record ContainerSummary(
    string Id,
    IReadOnlyList<string> Names,
    string Image,
    string State,
    string Status,
    IReadOnlyDictionary<string, string> Labels,
    DateTimeOffset Created,
    IReadOnlyList<PortMapping> Ports,
    IReadOnlyList<NetworkAttachment> Networks)
{
    /// <summary>The first name without Docker's leading slash.</summary>
    public string Name => Names.Count == 0 ? Id : Names[0].TrimStart('/');
}

/// <summary>Health as Docker reports it; <see cref="Status"/> is <c>none</c> without a healthcheck.</summary>
public sealed record HealthInfo(string Status, int FailingStreak, string? LastOutput, int? LastExitCode, DateTimeOffset? LastProbeAt);

public sealed record MountInfo(string Type, string? Name, string Source, string Destination, bool ReadWrite);

public sealed record ContainerDetails(
    string Id,
    string Name,
    string Image,
    string ImageId,
    string State,
    bool Running,
    int ExitCode,
    HealthInfo Health,
    int RestartCount,
    DateTimeOffset Created,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    bool Tty,
    IReadOnlyList<string> Cmd,
    IReadOnlyList<string> Env,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<MountInfo> Mounts,
    IReadOnlyList<NetworkAttachment> Networks,
    IReadOnlyList<PortMapping> Ports,
    IReadOnlyList<string> ExtraHosts,
    int? StopTimeoutSeconds = null,
    ContainerLogConfig? Log = null,
    string? RestartPolicy = null,
    IReadOnlyList<string>? Entrypoint = null);

/// <summary>An image on one host: its id, tags, creation time and the defaults it gives its containers.</summary>
public sealed record ImageDetails(
    string Id,
    IReadOnlyList<string> Tags,
    DateTimeOffset Created,
    IReadOnlyList<string> Env,
    IReadOnlyList<string> Cmd,
    IReadOnlyList<string> Entrypoint,
    IReadOnlyDictionary<string, string> Labels);

/// <summary>The container's log driver (<c>json-file</c>, <c>local</c>, <c>journald</c>, ...) and its options (<c>max-size</c>, ...).</summary>
public sealed record ContainerLogConfig(string Driver, IReadOnlyDictionary<string, string> Options);

public sealed record NetworkSummary(string Id, string Name, string Driver, string Scope, IReadOnlyDictionary<string, string> Labels);

/// <summary>A network to join at creation, with the DNS aliases the container answers to there.</summary>
public sealed record NetworkSpec(string Name, IReadOnlyList<string>? Aliases = null);

/// <summary>Publish <paramref name="ContainerPort"/>; a null host port lets Docker pick one.</summary>
public sealed record PortBindingSpec(int ContainerPort, int? HostPort = null, string Protocol = "tcp", string? HostIp = null);

/// <summary>Runs <paramref name="Cmd"/> through the container's shell (Docker's CMD-SHELL) every <paramref name="Interval"/>.</summary>
public sealed record HealthcheckSpec(string Cmd, TimeSpan Interval, TimeSpan Timeout, int Retries = 3);

public sealed record ContainerSpec
{
    public required string Image { get; init; }

    public string? Name { get; init; }

    public IReadOnlyList<string>? Cmd { get; init; }

    public IReadOnlyList<string>? Entrypoint { get; init; }

    public IReadOnlyList<string> Env { get; init; } = [];

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<NetworkSpec> Networks { get; init; } = [];

    public IReadOnlyList<PortBindingSpec> Ports { get; init; } = [];

    /// <summary>Docker bind strings, <c>/host/path:/container/path[:ro]</c> or <c>volume:/path</c>.</summary>
    public IReadOnlyList<string> Binds { get; init; } = [];

    /// <summary><c>name:ip</c> entries for /etc/hosts.</summary>
    public IReadOnlyList<string> ExtraHosts { get; init; } = [];

    public bool Tty { get; init; }

    public string? WorkingDir { get; init; }

    public string? User { get; init; }

    /// <summary>A healthcheck, e.g. for the maintenance page container; kobo's own services have none.</summary>
    public HealthcheckSpec? Healthcheck { get; init; }

    /// <summary>Docker restart policy name (<c>no</c>, <c>always</c>, <c>unless-stopped</c>, <c>on-failure</c>).</summary>
    public string? RestartPolicy { get; init; }

    /// <summary>The log driver and its options; null: the engine's default.</summary>
    public ContainerLogConfig? Log { get; init; }
}
