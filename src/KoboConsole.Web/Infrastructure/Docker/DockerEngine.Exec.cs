using System.Text;
using Docker.DotNet.Models;

namespace KoboConsole.Web.Infrastructure.Docker;

// Processes run inside containers.
internal sealed partial class DockerEngine
{
    private const int ExecResultStderrLimit = 1024 * 1024;

    public async Task<IExecSession> StartExecAsync(string id, ExecSpec spec, CancellationToken cancellationToken)
    {
        var create = new ContainerExecCreateParameters
        {
            Cmd = spec.Cmd.ToList(),
            Env = spec.Env.ToList(),
            User = spec.User,
            WorkingDir = spec.WorkingDir,
            AttachStdin = spec.AttachStdin,
            AttachStdout = true,
            AttachStderr = true,
            Tty = spec.Tty,
        };
        var created = await CallAsync("create an exec", id, (c, ct) => c.Exec.ExecCreateContainerAsync(id, create, ct), cancellationToken);
        if (spec.BulkOutput && !spec.AttachStdin && !spec.Tty && LocalSocketPath is { } socketPath)
        {
            var session = await SocketExecSession.StartAsync(this, socketPath, id, created.ID, cancellationToken);
            Log.ExecStarted(_logger, Name, id, created.ID, spec.Cmd.Count > 0 ? spec.Cmd[0] : "");
            return session;
        }

        var start = new ContainerExecStartParameters
        {
            AttachStdin = spec.AttachStdin,
            AttachStdout = true,
            AttachStderr = true,
            Tty = spec.Tty,
        };
        var stream = await CallAsync("start an exec", id, (c, ct) => c.Exec.StartWithConfigContainerExecAsync(created.ID, start, ct), cancellationToken);
        // Only the program name: arguments and environment can carry passwords.
        Log.ExecStarted(_logger, Name, id, created.ID, spec.Cmd.Count > 0 ? spec.Cmd[0] : "");
        return new ExecSession(this, id, created.ID, stream, spec.Tty);
    }

    public async Task<ExecResult> ExecAsync(string id, IReadOnlyList<string> cmd, CancellationToken cancellationToken)
    {
        await using var session = await StartExecAsync(id, new ExecSpec { Cmd = cmd }, cancellationToken);
        using var stdout = new MemoryStream();
        var output = await session.ReadOutputAsync(stdout, ExecResultStderrLimit, cancellationToken);
        var exitCode = await session.WaitForExitAsync(cancellationToken);
        return new ExecResult(exitCode, Encoding.UTF8.GetString(stdout.GetBuffer(), 0, (int)stdout.Length), output.Stderr);
    }

    /// <summary>The socket's path when this host is a local unix socket (not TLS, not TCP, not a pipe).</summary>
    private string? LocalSocketPath => !_options.UsesTls && Uri.TryCreate(_options.Endpoint, UriKind.Absolute, out var uri) && uri.Scheme == "unix" ? uri.LocalPath : null;

    /// <summary>The daemon's refusal of a hijacked exec start, as Docker.DotNet's would have been translated.</summary>
    internal DockerException ExecStartRefused(int status, string body, string containerId)
    {
        var message = DaemonMessage(body);
        if (status == 404 && message.Contains("No such container", StringComparison.OrdinalIgnoreCase))
        {
            return new ContainerNotFoundException(Name, containerId);
        }

        Log.OperationFailed(_logger, Name, "start an exec", status, message);
        return new DockerOperationException(Name, "start an exec", status, message);
    }

    internal async Task<int> WaitForExecExitAsync(string containerId, string execId, CancellationToken cancellationToken)
    {
        // Output EOF comes a moment before Docker marks the exec finished: poll briefly.
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var inspect = await CallAsync("inspect an exec", containerId, (c, ct) => c.Exec.InspectContainerExecAsync(execId, ct), cancellationToken);
            if (!inspect.Running)
            {
                Log.ExecExited(_logger, Name, execId, (int)inspect.ExitCode);
                return (int)inspect.ExitCode;
            }

            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
        }
    }
}
