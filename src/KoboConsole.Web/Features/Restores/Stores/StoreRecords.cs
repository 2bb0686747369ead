using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Restores.Stores;

/// <summary>
/// The container a store is restored into: any container on any engine (kobo's own for a
/// restore, a throwaway one for a drill). The primitives never look the container up by name.
/// </summary>
public sealed record RestoreTarget(IContainerEngine Engine, string ContainerId)
{
    public string Host => Engine.Name;
}

/// <summary>A restore or verify step failed for a reason a person can act on.</summary>
public class RestoreStepException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A restore tool was stopped by a cancel: its input was closed and it was waited for.
/// <see cref="ExitCode"/> is how it ended (null: it had not ended when the wait gave up).
/// </summary>
public sealed class ExecCancelledException(string message, int? exitCode) : RestoreStepException(message)
{
    public int? ExitCode { get; } = exitCode;
}

/// <summary>What a restore primitive did: bytes it streamed into the container and a line for the run log.</summary>
public sealed record StoreRestoreResult(long BytesStreamed, string Note);

/// <summary>The outcome of a verification: <see cref="Ok"/> with what was compared, or why it does not match.</summary>
public sealed record StoreVerification(bool Ok, string Detail)
{
    public static StoreVerification Pass(string detail) => new(true, detail);

    public static StoreVerification Fail(string detail) => new(false, detail);

    /// <summary>Throws <see cref="RestoreStepException"/> when the verification failed.</summary>
    public StoreVerification OrThrow() => Ok ? this : throw new RestoreStepException(Detail);
}
