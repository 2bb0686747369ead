using System.Text;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Restores.Stores;

/// <summary>
/// Runs a restore tool in a container with a backup streamed into its stdin, reading its output
/// at the same time (the pipe is bounded both ways), and turns every way it can fail into a reason.
/// </summary>
public static class StdinExec
{
    private const int OutputLimit = 16 * 1024;
    private static readonly TimeSpan EndWait = TimeSpan.FromSeconds(60);

    /// <summary>Output of a finished command: the tail of stdout and of stderr.</summary>
    public sealed record Result(string Stdout, string Stderr);

    public static async Task<Result> RunAsync(RestoreTarget target, ExecSpec spec, Stream input, string what, CancellationToken cancellationToken)
        => await RunAsync(target, await InspectRunningAsync(target, what, cancellationToken), spec, input, what, cancellationToken);

    /// <summary>
    /// Runs the tool in the container <paramref name="before"/> describes (inspected by the caller,
    /// once): afterwards the container must still be that same run of it, or the restore is incomplete.
    /// A cancel stops feeding the input and closes it, then waits for the tool to end (it sees its
    /// input end early and fails) so nothing is left running half-fed; <see cref="ExecCancelledException"/> says how it ended.
    /// </summary>
    public static async Task<Result> RunAsync(RestoreTarget target, ContainerDetails before, ExecSpec spec, Stream input, string what, CancellationToken cancellationToken)
    {
        using var stdout = new TailStream(OutputLimit);
        ExecOutput output;
        int? exitCode = null;
        Exception? writeError = null;
        try
        {
            await using var session = await target.Engine.StartExecAsync(target.ContainerId, spec with { AttachStdin = true }, cancellationToken);
            // The output is read to its end even after a cancel (the tool's end is what a cancel waits for), at most a minute more.
            using var outputStop = new CancellationTokenSource();
            using var afterCancel = cancellationToken.Register(() => outputStop.CancelAfter(EndWait));
            var reading = session.ReadOutputAsync(stdout, OutputLimit, outputStop.Token);
            try
            {
                await session.CopyToStdinAsync(input, cancellationToken);
            }
            catch (DockerException ex)
            {
                // The tool stopped reading (it failed, or it is done early): its exit code says which.
                writeError = ex;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Cancelled: close the input below and wait for the tool to end.
            }

            await session.CloseStdinAsync(CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            try
            {
                output = await reading;
                using var exitWait = new CancellationTokenSource(EndWait);
                exitCode = await session.WaitForExitAsync(exitWait.Token);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw Cancelled(what, input, null);
            }
            catch (OperationCanceledException)
            {
                throw new RestoreStepException($"{what} closed its output but Docker did not report its exit within {EndWait.TotalSeconds:0} s.");
            }
        }
        catch (DockerException ex)
        {
            await EnsureSameContainerAsync(target, before, what, CancellationToken.None);
            throw new RestoreStepException($"{what} broke off: {ex.Message}", ex);
        }

        await EnsureSameContainerAsync(target, before, what, CancellationToken.None);
        var stderr = output.Stderr.Trim();
        if (cancellationToken.IsCancellationRequested)
        {
            throw Cancelled(what, input, exitCode, stderr);
        }

        if (exitCode != 0)
        {
            var signal = exitCode > 128 ? $" (killed by signal {exitCode - 128})" : "";
            throw new RestoreStepException($"{what} exited with code {exitCode}{signal}{(stderr.Length > 0 ? ": " + Last(stderr, 1500) : "")}");
        }

        if (writeError is not null)
        {
            throw new RestoreStepException($"{what} exited 0 but stopped reading its input early ({writeError.Message}); the backup was not fully restored.", writeError);
        }

        return new Result(stdout.Text, stderr);
    }

    /// <summary>A short command without input; its stdout, or a failure naming <paramref name="what"/>.</summary>
    public static async Task<string> TextAsync(RestoreTarget target, IReadOnlyList<string> cmd, IReadOnlyList<string> env, string what, CancellationToken cancellationToken)
    {
        var result = await RunAsync(target, new ExecSpec { Cmd = cmd, Env = env }, Stream.Null, what, cancellationToken);
        return result.Stdout;
    }

    /// <summary>
    /// Like <see cref="TextAsync(RestoreTarget, IReadOnlyList{string}, IReadOnlyList{string}, string, CancellationToken)"/>
    /// in a container the caller inspected, without checking it again afterwards: for a lookup ahead
    /// of a restore whose own exec checks the container against <paramref name="before"/> at its end.
    /// </summary>
    public static async Task<string> UncheckedTextAsync(RestoreTarget target, IReadOnlyList<string> cmd, IReadOnlyList<string> env, string what, CancellationToken cancellationToken)
    {
        using var stdout = new TailStream(OutputLimit);
        int exitCode;
        string stderr;
        try
        {
            await using var session = await target.Engine.StartExecAsync(target.ContainerId, new ExecSpec { Cmd = cmd, Env = env }, cancellationToken);
            stderr = (await session.ReadOutputAsync(stdout, OutputLimit, cancellationToken)).Stderr.Trim();
            exitCode = await session.WaitForExitAsync(cancellationToken);
        }
        catch (DockerException ex)
        {
            throw new RestoreStepException($"{what} broke off: {ex.Message}", ex);
        }

        return exitCode == 0
            ? stdout.Text
            : throw new RestoreStepException($"{what} exited with code {exitCode}{(stderr.Length > 0 ? ": " + Last(stderr, 1500) : "")}");
    }

    internal static async Task<ContainerDetails> InspectRunningAsync(RestoreTarget target, string what, CancellationToken cancellationToken)
    {
        ContainerDetails details;
        try
        {
            details = await target.Engine.InspectContainerAsync(target.ContainerId, cancellationToken);
        }
        catch (ContainerNotFoundException ex)
        {
            throw new RestoreStepException($"container {target.ContainerId} on {target.Host} no longer exists; {what} cannot run.", ex);
        }

        return details.Running ? details : throw new RestoreStepException($"container {details.Name} on {target.Host} is {details.State}; start it before {what}.");
    }

    private static async Task EnsureSameContainerAsync(RestoreTarget target, ContainerDetails before, string what, CancellationToken cancellationToken)
    {
        ContainerDetails now;
        try
        {
            now = await target.Engine.InspectContainerAsync(before.Id, cancellationToken);
        }
        catch (ContainerNotFoundException ex)
        {
            throw new RestoreStepException($"container {before.Name} was removed during {what}.", ex);
        }

        if (!now.Running || now.StartedAt != before.StartedAt)
        {
            var how = now.Running ? "restarted" : $"stopped (exit code {now.ExitCode})";
            throw new RestoreStepException($"container {before.Name} {how} during {what}; the restore is incomplete. Check why it stopped.");
        }
    }

    private static ExecCancelledException Cancelled(string what, Stream input, int? exitCode, string stderr = "")
    {
        var fed = input is BackupStream b ? $" after {b.BytesRead} bytes of input" : "";
        var ended = exitCode is { } code
            ? $"it exited with code {code}{(code != 0 && stderr.Length > 0 ? " (" + Last(stderr, 300) + ")" : "")}."
            : $"it had not ended {EndWait.TotalSeconds:0} s later and may still be running: check the container before anything else.";
        return new ExecCancelledException($"{what} was stopped by a cancel{fed} (its input was closed); {ended}", exitCode);
    }

    private static string Last(string text, int max) => text.Length <= max ? text : "…" + text[^max..];

    /// <summary>Keeps only the last bytes written (tools can be chatty; only the end matters).</summary>
    private sealed class TailStream(int max) : MemoryStream
    {
        public string Text => Encoding.UTF8.GetString(GetBuffer(), 0, (int)Length);

        // MemoryStream's span overloads call back into the array one in derived types: only that one writes.
        public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);

        public override void Write(byte[] buffer, int offset, int count)
        {
            base.Write(buffer, offset, count);
            Trim();
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer, offset, count);
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        private void Trim()
        {
            if (Length <= 2L * max)
            {
                return;
            }

            var data = GetBuffer();
            Buffer.BlockCopy(data, (int)Length - max, data, 0, max);
            SetLength(max);
        }
    }
}
