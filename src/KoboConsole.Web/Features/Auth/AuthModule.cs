using System.Security.Claims;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Auth.Tokens;
using KoboConsole.Web.Features.Auth.Users;
using KoboConsole.Web.Infrastructure.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Auth;

public static class AuthModule
{
    public const string SmartScheme = "CookieOrToken";
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;

    public static WebApplicationBuilder AddAuth(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<AuthOptions>(AuthOptions.Section);
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<UserService>();
        services.AddSingleton<ApiTokenService>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<AuthBootstrap>();
        services.AddSingleton<UserAdmin>();
        services.AddSingleton<TokenAdmin>();

        services.AddAuthentication(SmartScheme)
            .AddPolicyScheme(SmartScheme, "Cookie or API token", o =>
                o.ForwardDefaultSelector = ctx => ApiTokenHandler.Extract(ctx.Request) is null ? CookieScheme : ApiTokenHandler.SchemeName)
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = "KoboConsole.Auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.LoginPath = "/login";
                o.AccessDeniedPath = "/forbidden";
                o.SlidingExpiration = true;
                o.Events.OnRedirectToLogin = ctx => RespondOrRedirect(ctx, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = ctx => RespondOrRedirect(ctx, StatusCodes.Status403Forbidden);
                o.Events.OnValidatePrincipal = ValidateSessionAsync;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenHandler>(ApiTokenHandler.SchemeName, null);

        // The antiforgery cookie's default policy never marks it Secure: follow the request like the session cookie.
        services.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        services.AddOptions<CookieAuthenticationOptions>(CookieScheme)
            .Configure<IOptions<AuthOptions>>((o, auth) => o.ExpireTimeSpan = TimeSpan.FromHours(auth.Value.SessionHours));

        services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Viewer, p => p.RequireAuthenticatedUser().RequireRole(Roles.AtLeast(Roles.Viewer)))
            .AddPolicy(Roles.Operator, p => p.RequireAuthenticatedUser().RequireRole(Roles.AtLeast(Roles.Operator)))
            .AddPolicy(Roles.Admin, p => p.RequireAuthenticatedUser().RequireRole(Roles.AtLeast(Roles.Admin)))
            // Secure by default: an endpoint nobody marked still needs a login.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        services.AddCascadingAuthenticationState();
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, SessionRevalidation>();
        return builder;
    }

    /// <summary>Machines (API, hubs) get a status code; people get the login page.</summary>
    private static Task RespondOrRedirect(RedirectContext<CookieAuthenticationOptions> ctx, int status)
    {
        if (IsMachinePath(ctx.Request.Path))
        {
            ctx.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }

    internal static bool IsMachinePath(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/_blazor") || path.StartsWithSegments("/metrics");

    /// <summary>A disabled user or a changed security stamp ends the browser session on its next request.</summary>
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext ctx)
    {
        var users = ctx.HttpContext.RequestServices.GetRequiredService<UserService>();
        var id = ctx.Principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        var stamp = ctx.Principal?.FindFirstValue(AuthClaims.SecurityStamp);
        var user = long.TryParse(id, out var userId) ? await users.FindAsync(userId, ctx.HttpContext.RequestAborted) : null;
        if (user is null || user.Disabled || user.SecurityStamp != stamp)
        {
            ctx.RejectPrincipal();
            await ctx.HttpContext.SignOutAsync(CookieScheme);
        }
    }
}
