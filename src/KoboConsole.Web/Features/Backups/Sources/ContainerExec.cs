using System.Text;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Backups;

/// <summary>Runs backup commands in kobo's containers and turns every way they can fail into a stated reason.</summary>
internal static class ContainerExec
{
    private const int StderrLimit = 16 * 1024;

    /// <summary>Runs a short command and returns its stdout; a non-zero exit is a failure naming <paramref name="what"/>.</summary>
    public static async Task<string> TextAsync(IContainerEngine engine, string id, IReadOnlyList<string> cmd, IReadOnlyList<string> env, string what, CancellationToken cancellationToken)
    {
        using var stdout = new MemoryStream();
        await StreamAsync(engine, id, new ExecSpec { Cmd = cmd, Env = env }, stdout, what, cancellationToken);
        return Encoding.UTF8.GetString(stdout.GetBuffer(), 0, (int)stdout.Length);
    }

    /// <summary>
    /// Streams a command's stdout into <paramref name="output"/> and checks the exit code. A dead
    /// connection or a container that stopped under the command are failures, not short files.
    /// </summary>
    public static async Task StreamAsync(IContainerEngine engine, string id, ExecSpec spec, Stream output, string what, CancellationToken cancellationToken)
    {
        var before = await engine.InspectContainerAsync(id, cancellationToken);
        if (!before.Running)
        {
            throw new BackupItemException($"container {before.Name} is {before.State}; start it and run the backup again.");
        }

        ExecOutput result;
        int exitCode;
        try
        {
            await using var session = await engine.StartExecAsync(id, spec, cancellationToken);
            result = await session.ReadOutputAsync(output, StderrLimit, cancellationToken);
            using var exitWait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            exitWait.CancelAfter(TimeSpan.FromSeconds(30));
            exitCode = await session.WaitForExitAsync(exitWait.Token);
        }
        catch (DockerException ex)
        {
            await EnsureSameContainerAsync(engine, before, what, cancellationToken);
            throw new BackupItemException($"{what} broke off: {ex.Message}", ex);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await EnsureSameContainerAsync(engine, before, what, cancellationToken);
            throw new BackupItemException($"{what} ended its output but Docker did not report its exit within 30 s.");
        }

        if (exitCode != 0)
        {
            // A killed container kills its execs a moment before Docker records the container's
            // own exit: give it that moment, so the reason names the container, not just a signal.
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            await EnsureSameContainerAsync(engine, before, what, cancellationToken);
            var stderr = result.Stderr.Trim();
            var signal = exitCode > 128 ? $" (killed by signal {exitCode - 128})" : "";
            throw new BackupItemException($"{what} exited with code {exitCode}{signal}{(stderr.Length > 0 ? ": " + stderr : "")}");
        }

        await EnsureSameContainerAsync(engine, before, what, cancellationToken);
    }

    /// <summary>A container killed or restarted during a command makes its output untrustworthy whatever the exit code said.</summary>
    public static async Task EnsureSameContainerAsync(IContainerEngine engine, ContainerDetails before, string what, CancellationToken cancellationToken)
    {
        ContainerDetails now;
        try
        {
            now = await engine.InspectContainerAsync(before.Id, cancellationToken);
        }
        catch (ContainerNotFoundException)
        {
            throw new BackupItemException($"container {before.Name} was removed during {what}; the output is incomplete.");
        }

        if (!now.Running || now.StartedAt != before.StartedAt)
        {
            var how = now.Running ? "restarted" : $"stopped (exit code {now.ExitCode})";
            throw new BackupItemException($"container {before.Name} {how} during {what}; the output is incomplete. Check why it stopped, then back up again.");
        }
    }
}
