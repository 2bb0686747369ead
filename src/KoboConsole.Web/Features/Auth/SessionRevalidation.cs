using System.Security.Claims;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace KoboConsole.Web.Features.Auth;

/// <summary>
/// An open page (a Blazor circuit) outlives the request that checked the cookie. Every few seconds
/// this checks the circuit's user against the database like the cookie check does: disabled, or
/// its security stamp changed (role, password), and the page loses its sign-in at once.
/// While the console's database is away the check cannot be made: the page keeps its sign-in
/// until the next check that can (the base class would sign it out on any exception, and every
/// open page would fall back to a login that cannot work until the database is back).
/// A change made on this instance (<see cref="LiveSessions.EndUser"/>) signs the page out at once,
/// without waiting for the next check.
/// </summary>
public sealed class SessionRevalidation : RevalidatingServerAuthenticationStateProvider
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly UserService _users;
    private readonly ILogger<SessionRevalidation> _logger;
    private readonly LiveSessions _sessions;

    public SessionRevalidation(ILoggerFactory loggers, UserService users, ILogger<SessionRevalidation> logger, LiveSessions sessions)
        : base(loggers)
    {
        _users = users;
        _logger = logger;
        _sessions = sessions;
        sessions.UserEnded += OnUserEnded;
    }

    protected override TimeSpan RevalidationInterval => Interval;

    protected override void Dispose(bool disposing)
    {
        _sessions.UserEnded -= OnUserEnded;
        base.Dispose(disposing);
    }

    private void OnUserEnded(long userId)
    {
        _ = SignOutIfAsync(userId);
    }

    /// <summary>Signs the page out when it belongs to <paramref name="userId"/>; internal for tests.</summary>
    internal async Task SignOutIfAsync(long userId)
    {
        AuthenticationState state;
        try
        {
            state = await GetAuthenticationStateAsync();
        }
        catch (InvalidOperationException)
        {
            return; // A circuit still starting has no state yet: its first check sees the change.
        }

        if (state.User.Identity?.IsAuthenticated == true && LiveSessions.UserIdOf(state.User) == userId)
        {
            SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity()))));
        }
    }

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        var principal = authenticationState.User;
        if (principal.Identity?.IsAuthenticated != true)
        {
            return true;
        }

        UserInfo? user;
        try
        {
            user = long.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? await _users.FindAsync(id, cancellationToken) : null;
        }
        catch (Exception ex) when (DatabaseOutage.Is(ex))
        {
            Log.SessionCheckDeferred(_logger, principal.Identity.Name);
            return true;
        }

        return user is { Disabled: false } && user.SecurityStamp == principal.FindFirstValue(AuthClaims.SecurityStamp);
    }
}
