using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Restores.Stores;

/// <summary>
/// Runs a restore tool in a container with a backup streamed into its stdin, through
/// <see cref="ContainerCommand"/>, failing with <see cref="RestoreStepException"/>; a cancel ends in
/// <see cref="ExecCancelledException"/>, which says how far the input got and how the tool ended.
/// </summary>
public static class StdinExec
{
    private const int OutputLimit = 16 * 1024;

    public static readonly CommandFailure Failure =
        new((message, inner) => new RestoreStepException(message, inner), "the restore is incomplete", "Check why it stopped.");

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
        var result = await ContainerCommand.RunAsync(target.Engine, target.ContainerId, before, spec, input, stdout, what, Failure, cancellationToken);
        return result.Cancelled ? throw Cancelled(what, input, result.ExitCode, result.Stderr) : new Result(stdout.Text, result.Stderr);
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
    /// of a restore whose own exec checks the container against the caller's inspection at its end.
    /// </summary>
    public static Task<string> UncheckedTextAsync(RestoreTarget target, IReadOnlyList<string> cmd, IReadOnlyList<string> env, string what, CancellationToken cancellationToken)
        => ContainerCommand.TextAsync(target.Engine, target.ContainerId, before: null, new ExecSpec { Cmd = cmd, Env = env }, input: null, what, Failure, cancellationToken);

    internal static Task<ContainerDetails> InspectRunningAsync(RestoreTarget target, string what, CancellationToken cancellationToken)
        => ContainerCommand.InspectRunningAsync(target.Engine, target.ContainerId, what, Failure, cancellationToken);

    private static ExecCancelledException Cancelled(string what, Stream input, int? exitCode, string stderr)
    {
        var fed = input is BackupStream b ? $" after {b.BytesRead} bytes of input" : "";
        var ended = exitCode is { } code
            ? $"it exited with code {code}{(code != 0 && stderr.Length > 0 ? " (" + ContainerCommand.Last(stderr, 300) + ")" : "")}."
            : $"it had not ended {ContainerCommand.EndWait.TotalSeconds:0} s later and may still be running: check the container before anything else.";
        return new ExecCancelledException($"{what} was stopped by a cancel{fed} (its input was closed); {ended}", exitCode);
    }
}
