using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;

namespace KoboConsole.Web.Features.Auth;

/// <summary>
/// Connections that outlive the request that signed them in: hub connections (a log follow can
/// run for days) and Blazor circuits. A token revoked, a user disabled or changed (role, password:
/// the security stamp rotates) ends them at once on this instance: <see cref="UserAdmin"/> and
/// <see cref="Tokens.TokenAdmin"/> call <see cref="EndUser"/> and <see cref="EndToken"/>, hubs
/// <see cref="Track"/> their connections, circuits listen to <see cref="UserEnded"/>.
/// <see cref="LiveSessionsSweep"/> re-checks every tracked connection against the database every
/// few seconds, for changes made on another instance.
/// </summary>
public sealed class LiveSessions(ILogger<LiveSessions> logger)
{
    private readonly ConcurrentDictionary<Session, byte> _sessions = new();

    /// <summary>Raised with a user id whose sessions must end (circuits sign out).</summary>
    public event Action<long>? UserEnded;

    /// <summary>Number of tracked connections (for tests and metrics).</summary>
    public int Count => _sessions.Count;

    /// <summary>Tracks a connection of <paramref name="user"/>; <paramref name="end"/> aborts it. Dispose when it closes.</summary>
    public IDisposable Track(ClaimsPrincipal user, Action end)
    {
        var session = new Session(this, UserIdOf(user) ?? -1, TokenIdOf(user), user.FindFirstValue(AuthClaims.SecurityStamp), end);
        _sessions.TryAdd(session, 0);
        return session;
    }

    /// <summary>Ends every connection and circuit of the user (disabled, role or password changed).</summary>
    public void EndUser(long userId)
    {
        End(s => s.UserId == userId, "the user was disabled or changed");
        UserEnded?.Invoke(userId);
    }

    /// <summary>Ends the connections opened with the token (revoked).</summary>
    public void EndToken(long tokenId) => End(s => s.TokenId == tokenId, "the token was revoked");

    internal IReadOnlyList<Session> Snapshot() => [.. _sessions.Keys];

    internal void End(Func<Session, bool> which, string reason)
    {
        foreach (var session in _sessions.Keys.Where(which))
        {
            if (_sessions.TryRemove(session, out _))
            {
                Log.SessionEnded(logger, session.UserId, session.TokenId, reason);
                session.EndAction();
            }
        }
    }

    public static long? UserIdOf(ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    public static long? TokenIdOf(ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(AuthClaims.TokenId), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    internal sealed class Session(LiveSessions owner, long userId, long? tokenId, string? stamp, Action end) : IDisposable
    {
        public long UserId { get; } = userId;

        public long? TokenId { get; } = tokenId;

        public string? Stamp { get; } = stamp;

        public Action EndAction { get; } = end;

        public void Dispose() => owner._sessions.TryRemove(this, out _);
    }
}
