namespace KoboConsole.Web.Infrastructure.Docker;

/// <summary>The Docker engines the console talks to, bound at <c>KoboConsole:Docker</c>.</summary>
public sealed class DockerOptions
{
    public const string SectionName = "KoboConsole:Docker";

    /// <summary>
    /// One entry per engine. Left empty here on purpose: configuration binding appends to a
    /// list that already holds items, so the "local" default is added in a post-configure step.
    /// </summary>
    public List<DockerHostOptions> Hosts { get; set; } = [];
}

/// <summary>
/// One Docker engine: a unix socket, a TCP endpoint (optionally TLS) or a named pipe. Checked by
/// <see cref="DockerOptionsValidator"/>: data annotations do not reach into list items.
/// </summary>
public sealed class DockerHostOptions
{
    public const string LocalName = "local";
    public const string LocalEndpoint = "unix:///var/run/docker.sock";

    public string Name { get; set; } = "";

    /// <summary><c>unix:///var/run/docker.sock</c>, <c>tcp://host:2376</c>, <c>https://...</c> or <c>npipe://./pipe/docker_engine</c>.</summary>
    public string Endpoint { get; set; } = "";

    public string? TlsCaCertPath { get; set; }

    public string? TlsCertPath { get; set; }

    public string? TlsKeyPath { get; set; }

    /// <summary>How long to wait for an engine to answer before calling it unreachable.</summary>
    public int ConnectTimeoutSeconds { get; set; } = 5;

    internal bool UsesTls => TlsCertPath is not null || TlsCaCertPath is not null;
}
