using System.Text;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Stack;

/// <summary>
/// How a feature states that a command failed: the exception its callers catch, what the failure
/// leaves incomplete ("the output", "the restore") and what to do after a container changed under it.
/// </summary>
public sealed record CommandFailure(Func<string, Exception?, Exception> Exception, string Incomplete, string Advice);

/// <summary>How a command ended when <c>ContainerCommand.RunAsync</c> did not throw.</summary>
/// <param name="ExitCode">Null only for a cancelled command that had not ended when the wait gave up.</param>
/// <param name="Cancelled">A cancel closed the command's input; the caller words how it ended.</param>
public sealed record CommandResult(int? ExitCode, string Stderr, bool Cancelled);

/// <summary>
/// The one way to run a command in a kobo container (backups, restores, drills, upgrades): output
/// and stderr read at the same time as the input is fed (the pipe is bounded both ways), the exit
/// code checked, and a container that stopped, restarted or vanished under the command turned into
/// a reason, in the exception type of the feature that asked (<see cref="CommandFailure"/>).
/// </summary>
public static class ContainerCommand
{
    public const int StderrLimit = 16 * 1024;

    /// <summary>How long a command may take to report its exit after its output ended (and after a cancel closed its input).</summary>
    public static readonly TimeSpan EndWait = TimeSpan.FromSeconds(60);

    public static async Task<ContainerDetails> InspectRunningAsync(IContainerEngine engine, string containerId, string what, CommandFailure failure, CancellationToken cancellationToken)
    {
        ContainerDetails details;
        try
        {
            details = await engine.InspectContainerAsync(containerId, cancellationToken);
        }
        catch (ContainerNotFoundException ex)
        {
            throw failure.Exception($"container {containerId} on {engine.Name} no longer exists; {what} cannot run.", ex);
        }

        return details.Running ? details : throw failure.Exception($"container {details.Name} on {engine.Name} is {details.State}; start it before {what}.", null);
    }

    /// <summary>
    /// Runs <paramref name="spec"/> in the container <paramref name="before"/> describes, writing its
    /// stdout into <paramref name="output"/>. Afterwards the container must still be that same run of
    /// it (null <paramref name="before"/>: not checked, for a lookup ahead of a command that checks).
    /// Without <paramref name="input"/> a cancel ends the command at once (<see cref="OperationCanceledException"/>).
    /// With it, a cancel stops feeding the input and closes it, then waits for the command to end (it
    /// sees its input end early and fails), so nothing is left running half-fed; the result says so.
    /// A non-zero exit, a broken connection, or input the command stopped reading fail.
    /// </summary>
    public static async Task<CommandResult> RunAsync(IContainerEngine engine, string containerId, ContainerDetails? before, ExecSpec spec, Stream? input, Stream output, string what, CommandFailure failure, CancellationToken cancellationToken)
    {
        ExecOutput result;
        int? exitCode = null;
        Exception? writeError = null;
        try
        {
            await using var session = await engine.StartExecAsync(containerId, input is null ? spec : spec with { AttachStdin = true }, cancellationToken);
            // With input, the output is read to its end even after a cancel (the command's end is what a cancel waits for), at most EndWait more.
            using var outputStop = new CancellationTokenSource();
            using var afterCancel = input is null ? default : cancellationToken.Register(() => outputStop.CancelAfter(EndWait));
            var reading = session.ReadOutputAsync(output, StderrLimit, input is null ? cancellationToken : outputStop.Token);
            if (input is not null)
            {
                writeError = await FeedAsync(session, input, cancellationToken);
            }

            try
            {
                result = await reading;
                using var exitWait = input is null ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken) : new CancellationTokenSource();
                exitWait.CancelAfter(EndWait);
                exitCode = await session.WaitForExitAsync(exitWait.Token);
            }
            catch (OperationCanceledException) when (input is not null && cancellationToken.IsCancellationRequested)
            {
                return new CommandResult(null, "", Cancelled: true);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await EnsureSameContainerAsync(engine, before, what, failure);
                throw failure.Exception($"{what} ended its output but Docker did not report its exit within {EndWait.TotalSeconds:0} s.", null);
            }
        }
        catch (DockerException ex)
        {
            await EnsureSameContainerAsync(engine, before, what, failure);
            throw failure.Exception($"{what} broke off: {ex.Message}", ex);
        }

        if (exitCode > 128 && before is not null)
        {
            // A killed container kills its execs a moment before Docker records the container's own
            // exit: give it that moment, so the reason names the container, not just a signal.
            await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
        }

        await EnsureSameContainerAsync(engine, before, what, failure);
        var stderr = result.Stderr.Trim();
        if (input is not null && cancellationToken.IsCancellationRequested)
        {
            return new CommandResult(exitCode, stderr, Cancelled: true);
        }

        if (exitCode != 0)
        {
            var signal = exitCode > 128 ? $" (killed by signal {exitCode - 128})" : "";
            throw failure.Exception($"{what} exited with code {exitCode}{signal}{(stderr.Length > 0 ? ": " + Last(stderr, 1500) : "")}", null);
        }

        return writeError is null
            ? new CommandResult(exitCode, stderr, Cancelled: false)
            : throw failure.Exception($"{what} exited 0 but stopped reading its input early ({writeError.Message}); {failure.Incomplete}.", writeError);
    }

    /// <summary>Runs a short command and returns its stdout.</summary>
    public static async Task<string> TextAsync(IContainerEngine engine, string containerId, ContainerDetails? before, ExecSpec spec, Stream? input, string what, CommandFailure failure, CancellationToken cancellationToken)
    {
        using var stdout = new MemoryStream();
        await RunAsync(engine, containerId, before, spec, input, stdout, what, failure, cancellationToken);
        return Encoding.UTF8.GetString(stdout.GetBuffer(), 0, (int)stdout.Length);
    }

    /// <summary>A container killed or restarted during a command makes its output untrustworthy whatever the exit code said.</summary>
    public static async Task EnsureSameContainerAsync(IContainerEngine engine, ContainerDetails? before, string what, CommandFailure failure)
    {
        if (before is null)
        {
            return;
        }

        ContainerDetails now;
        try
        {
            now = await engine.InspectContainerAsync(before.Id, CancellationToken.None);
        }
        catch (ContainerNotFoundException ex)
        {
            throw failure.Exception($"container {before.Name} was removed during {what}; {failure.Incomplete}.", ex);
        }

        if (!now.Running || now.StartedAt != before.StartedAt)
        {
            var how = now.Running ? "restarted" : $"stopped (exit code {now.ExitCode})";
            throw failure.Exception($"container {before.Name} {how} during {what}; {failure.Incomplete}. {failure.Advice}", null);
        }
    }

    /// <summary>The end of a long text (tools print their error last).</summary>
    public static string Last(string text, int max) => text.Length <= max ? text : "…" + text[^max..];

    /// <summary>Copies the input into the command; a command that stopped reading is reported by its exit code, so its error is returned.</summary>
    private static async Task<Exception?> FeedAsync(IExecSession session, Stream input, CancellationToken cancellationToken)
    {
        Exception? writeError = null;
        try
        {
            await session.CopyToStdinAsync(input, cancellationToken);
        }
        catch (DockerException ex)
        {
            // The command stopped reading (it failed, or it is done early): its exit code says which.
            writeError = ex;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled: close the input below and wait for the command to end.
        }

        await session.CloseStdinAsync(CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return writeError;
    }
}
