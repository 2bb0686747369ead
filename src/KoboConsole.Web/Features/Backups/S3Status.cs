using KoboConsole.Web.Infrastructure.Live;

namespace KoboConsole.Web.Features.Backups;

/// <summary>The start-up check of the configured S3 bucket (<see cref="S3StartupCheck"/>), for /readyz and the Backups page.</summary>
public sealed class S3Status
{
    public enum States
    {
        NotConfigured,
        Checking,
        Ok,
        Failed,
    }

    public States State { get; private set; } = States.NotConfigured;

    /// <summary>What failed and which key to fix (never a secret), when <see cref="State"/> is Failed.</summary>
    public string? Problem { get; private set; }

    public DateTimeOffset? CheckedAt { get; private set; }

    private readonly ChangeFeed _changes = new();

    /// <summary>Told after every report.</summary>
    public ILiveFeed Changes => _changes;

    public void Report(States state, string? problem, DateTimeOffset? at)
    {
        (State, Problem, CheckedAt) = (state, problem, at);
        _changes.Raise();
    }
}
