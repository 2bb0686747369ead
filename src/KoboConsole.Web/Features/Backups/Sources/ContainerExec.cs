using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Backups;

/// <summary>Runs backup commands in kobo's containers through <see cref="ContainerCommand"/>, failing with <see cref="BackupItemException"/>.</summary>
internal static class ContainerExec
{
    public static readonly CommandFailure Failure =
        new((message, inner) => new BackupItemException(message, inner), "the output is incomplete", "Check why it stopped, then back up again.");

    /// <summary>Runs a short command and returns its stdout; a non-zero exit is a failure naming <paramref name="what"/>.</summary>
    public static async Task<string> TextAsync(IContainerEngine engine, string id, IReadOnlyList<string> cmd, IReadOnlyList<string> env, string what, CancellationToken cancellationToken)
    {
        var before = await ContainerCommand.InspectRunningAsync(engine, id, what, Failure, cancellationToken);
        return await ContainerCommand.TextAsync(engine, id, before, new ExecSpec { Cmd = cmd, Env = env }, input: null, what, Failure, cancellationToken);
    }

    /// <summary>
    /// Streams a command's stdout into <paramref name="output"/> and checks the exit code. A dead
    /// connection or a container that stopped under the command are failures, not short files.
    /// </summary>
    public static async Task StreamAsync(IContainerEngine engine, string id, ExecSpec spec, Stream output, string what, CancellationToken cancellationToken)
    {
        var before = await ContainerCommand.InspectRunningAsync(engine, id, what, Failure, cancellationToken);
        await ContainerCommand.RunAsync(engine, id, before, spec, input: null, output, what, Failure, cancellationToken);
    }

    /// <summary>A container killed or restarted during a command makes its output untrustworthy whatever the exit code said.</summary>
    public static Task EnsureSameContainerAsync(IContainerEngine engine, ContainerDetails before, string what, CancellationToken cancellationToken)
        => ContainerCommand.EnsureSameContainerAsync(engine, before, what, Failure);
}
