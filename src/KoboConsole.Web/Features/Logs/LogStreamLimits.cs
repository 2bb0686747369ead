using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Logs;

/// <summary>
/// How many live hub streams run at once, per user and for the whole console
/// (<see cref="LogsOptions.MaxStreamsPerUser"/>, <see cref="LogsOptions.MaxStreams"/>): one viewer
/// cannot take the console's CPU by opening many expensive follows.
/// </summary>
public sealed class LogStreamLimits(IOptionsMonitor<LogsOptions> options)
{
    private readonly Dictionary<string, int> _perUser = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private int _total;

    /// <summary>Streams open now.</summary>
    public int Open
    {
        get
        {
            lock (_lock)
            {
                return _total;
            }
        }
    }

    /// <summary>A slot for one stream of <paramref name="user"/> (dispose it when the stream ends), or null and why not.</summary>
    public IDisposable? TryAcquire(string user, out string? refusal)
    {
        var limits = options.CurrentValue;
        lock (_lock)
        {
            var mine = _perUser.GetValueOrDefault(user);
            if (mine >= limits.MaxStreamsPerUser)
            {
                refusal = $"You already have {mine} live log streams open, the most one user may have (KoboConsole:Logs:MaxStreamsPerUser); stop one and try again.";
                return null;
            }

            if (_total >= limits.MaxStreams)
            {
                refusal = $"The console already serves {_total} live log streams, its limit (KoboConsole:Logs:MaxStreams); try again when one ends, or ask an admin to raise the limit.";
                return null;
            }

            _perUser[user] = mine + 1;
            _total++;
        }

        refusal = null;
        return new Slot(this, user);
    }

    private void Release(string user)
    {
        lock (_lock)
        {
            _total--;
            if (--_perUser[user] == 0)
            {
                _perUser.Remove(user);
            }
        }
    }

    private sealed class Slot(LogStreamLimits owner, string user) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(user);
            }
        }
    }
}
