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
/// </summary>
public sealed class SessionRevalidation(ILoggerFactory loggers, UserService users, ILogger<SessionRevalidation> logger) : RevalidatingServerAuthenticationStateProvider(loggers)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    protected override TimeSpan RevalidationInterval => Interval;

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
            user = long.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? await users.FindAsync(id, cancellationToken) : null;
        }
        catch (Exception ex) when (DatabaseOutage.Is(ex))
        {
            Log.SessionCheckDeferred(logger, principal.Identity.Name);
            return true;
        }

        return user is { Disabled: false } && user.SecurityStamp == principal.FindFirstValue(AuthClaims.SecurityStamp);
    }
}
