using KoboConsole.Web.Infrastructure.Live;

namespace KoboConsole.Web.Infrastructure.Storage;

/// <summary>
/// Whether the console's own database answers, as <see cref="DatabaseMonitor"/> last saw it; the
/// layout's banner and /readyz show it. Pages keep rendering while it is away.
/// </summary>
public sealed class DatabaseHealth
{
    public bool Reachable { get; private set; } = true;

    public DateTimeOffset? Since { get; private set; }

    private readonly ChangeFeed _changes = new();

    /// <summary>Told when reachability flips.</summary>
    public ILiveFeed Changes => _changes;

    /// <summary>Records a check; tells <see cref="Changes"/> only when reachability flips.</summary>
    public void Report(bool reachable, DateTimeOffset at)
    {
        if (reachable == Reachable)
        {
            return;
        }

        (Reachable, Since) = (reachable, at);
        _changes.Raise();
    }
}
