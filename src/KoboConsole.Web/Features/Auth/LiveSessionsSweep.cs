using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Auth;

/// <summary>
/// Every few seconds, checks each tracked connection against the database like a new request
/// would be checked: its user still enabled with the same security stamp, its token not revoked.
/// This catches what <see cref="LiveSessions"/> is not told directly: a change made on another
/// console instance. While the database is away the check waits (like the circuits' check).
/// </summary>
public sealed class LiveSessionsSweep(LiveSessions sessions, UserService users, ApiTokenService tokens, ILogger<LiveSessionsSweep> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CheckAsync(stoppingToken);
            }
            catch (Exception ex) when (DatabaseOutage.Is(ex))
            {
                Log.SessionSweepDeferred(logger);
            }
        }
    }

    /// <summary>Ends every tracked connection whose user or token no longer passes; one query per user and per token.</summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        var live = sessions.Snapshot();
        var stale = new HashSet<LiveSessions.Session>();
        foreach (var group in live.GroupBy(s => s.UserId))
        {
            var user = await users.FindAsync(group.Key, cancellationToken);
            stale.UnionWith(group.Where(s => user is null || user.Disabled || user.SecurityStamp != s.Stamp));
        }

        foreach (var group in live.Where(s => s.TokenId is not null).GroupBy(s => s.TokenId!.Value))
        {
            if (!await tokens.IsActiveAsync(group.Key, cancellationToken))
            {
                stale.UnionWith(group);
            }
        }

        sessions.End(stale.Contains, "re-checked: the user is disabled or changed, or the token revoked");
    }
}
