namespace KoboConsole.Web.Infrastructure.Docker;

/// <summary>Base of the few exceptions the Docker adapter throws; pages and the API map them to messages.</summary>
public abstract class DockerException : Exception
{
    protected DockerException(string hostName, string message, Exception? inner)
        : base(message, inner) => HostName = hostName;

    public string HostName { get; }
}

/// <summary>The engine could not be reached (missing socket, refused, silent, TLS failure).</summary>
public sealed class DockerUnreachableException : DockerException
{
    public DockerUnreachableException(string hostName, string endpoint, string reason, Exception? inner = null)
        : base(hostName,
            $"Docker host '{hostName}' at {endpoint} is unreachable: {reason}. Check that the Docker daemon runs, "
            + "that the endpoint is right (KoboConsole:Docker:Hosts) and that the console may use it "
            + "(socket mounted and readable, firewall open, TLS files valid).",
            inner)
    {
        Endpoint = endpoint;
        Reason = reason;
    }

    public string Endpoint { get; }

    public string Reason { get; }
}

/// <summary>The container does not exist (any more) on that host.</summary>
public sealed class ContainerNotFoundException : DockerException
{
    public ContainerNotFoundException(string hostName, string containerId, Exception? inner = null)
        : base(hostName, $"Container '{containerId}' was not found on Docker host '{hostName}'; it may have been removed or recreated.", inner)
        => ContainerId = containerId;

    public string ContainerId { get; }
}

/// <summary>The daemon refused or failed an operation; <see cref="DaemonMessage"/> is its own words.</summary>
public sealed class DockerOperationException : DockerException
{
    public DockerOperationException(string hostName, string operation, int? statusCode, string daemonMessage, Exception? inner = null)
        : base(hostName, $"Docker host '{hostName}' failed to {operation}: {daemonMessage}", inner)
    {
        Operation = operation;
        StatusCode = statusCode;
        DaemonMessage = daemonMessage;
    }

    public string Operation { get; }

    public int? StatusCode { get; }

    public string DaemonMessage { get; }
}

/// <summary>A host name that is not in KoboConsole:Docker:Hosts.</summary>
public sealed class UnknownDockerHostException(string hostName, IEnumerable<string> known)
    : Exception($"No Docker host named '{hostName}' is configured; known hosts: {string.Join(", ", known)}.")
{
    public string HostName { get; } = hostName;
}
