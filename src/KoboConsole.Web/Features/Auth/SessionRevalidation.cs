using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace KoboConsole.Web.Features.Auth;

/// <summary>
/// An open page (a Blazor circuit) outlives the request that checked the cookie. Every few seconds
/// this checks the circuit's user against the database like the cookie check does: disabled, or
/// its security stamp changed (role, password), and the page loses its sign-in at once.
/// </summary>
public sealed class SessionRevalidation(ILoggerFactory loggers, UserService users) : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(10);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        var principal = authenticationState.User;
        if (principal.Identity?.IsAuthenticated != true)
        {
            return true;
        }

        var user = long.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? await users.FindAsync(id, cancellationToken) : null;
        return user is { Disabled: false } && user.SecurityStamp == principal.FindFirstValue(AuthClaims.SecurityStamp);
    }
}
