using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Auth;

/// <summary>Authenticates <c>Authorization: Bearer kc_...</c>, or <c>?access_token=</c> on the SignalR hubs (SignalR's convention).</summary>
public sealed class ApiTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiTokenService tokens) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = Extract(Request);
        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }

        var found = await tokens.ValidateAsync(token, Context.RequestAborted);
        return found is { } f
            ? AuthenticateResult.Success(new AuthenticationTicket(AuthClaims.For(f.User, SchemeName, f.TokenName, f.TokenId), SchemeName))
            : AuthenticateResult.Fail("The API token is unknown, revoked, or belongs to a disabled user.");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    internal static string? Extract(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        return request.Path.StartsWithSegments("/hubs") && request.Query.TryGetValue("access_token", out var q) && !string.IsNullOrEmpty(q)
            ? q.ToString()
            : null;
    }
}
