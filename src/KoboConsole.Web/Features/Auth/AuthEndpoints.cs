using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Auth.Tokens;
using KoboConsole.Web.Features.Auth.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KoboConsole.Web.Features.Auth;

public sealed record TokenRequest(string? Username, string? Password, string? Name);

public sealed record TokenResponse(string Token, string Name, string Role);

public static class AuthEndpoints
{
    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        // A form post from the account menu; antiforgery is checked by UseAntiforgery for form posts.
        app.MapPost("/logout", async (HttpContext ctx) =>
        {
            await ctx.SignOutAsync(AuthModule.CookieScheme);
            return Results.LocalRedirect("/login");
        }).RequireAuthorization().AddEndpointFilter(RequireAntiforgery);

        var api = app.MapGroup("/api/v1");
        api.MapPost("/tokens", CreateTokenAsync).AllowAnonymous();
        app.MapUsers();
        app.MapTokens();
        return app;
    }

    private static async ValueTask<object?> RequireAntiforgery(EndpointFilterInvocationContext ctx, EndpointFilterDelegate next)
    {
        var antiforgery = ctx.HttpContext.RequestServices.GetRequiredService<Microsoft.AspNetCore.Antiforgery.IAntiforgery>();
        if (!await antiforgery.IsRequestValidAsync(ctx.HttpContext))
        {
            return Results.Problem(statusCode: 400, title: "The form has expired", detail: "Reload the page and try again.");
        }

        return await next(ctx);
    }

    private static async Task<IResult> CreateTokenAsync(
        [FromBody] TokenRequest request, UserService users, ApiTokenService tokens, AuditLog audit,
        ILoggerFactory loggers, HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        // No user can have a malformed name or an over-long password: saying so leaks nothing and spares a hash.
        if (UserRules.ValidateUsername(request.Username ?? "") is { } usernameError)
        {
            errors["username"] = [usernameError];
        }

        if (string.IsNullOrEmpty(request.Password) || request.Password.Length > UserRules.MaxPasswordLength)
        {
            errors["password"] = [$"is required: at most {UserRules.MaxPasswordLength} characters."];
        }

        if (ApiTokenService.ValidateName(request.Name) is { } nameError)
        {
            errors["name"] = [nameError];
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        var result = await users.VerifyAsync(request.Username!, request.Password!, ct);
        var logger = loggers.CreateLogger("KoboConsole.Web.Features.Auth.Tokens");
        var username = UserRules.Normalize(request.Username!);
        var remoteIp = http.Connection.RemoteIpAddress?.ToString();
        Log.LoginAttempt(logger, result.Outcome, username, remoteIp);
        switch (result.Outcome)
        {
            case LoginOutcome.LockedOut:
                return Results.Problem(statusCode: 401, title: "Account locked",
                    detail: $"Too many failed attempts. Try again after {result.LockedUntil:HH:mm} UTC.");
            case LoginOutcome.Invalid:
                return Results.Problem(statusCode: 401, title: "Wrong username or password", detail: "Check both and try again.");
        }

        var user = result.User!;
        var name = request.Name!.Trim();
        var token = await tokens.CreateAsync(user, name, ct);
        Log.TokenCreated(logger, name, user.Username);
        await audit.WriteAsync(user.Username, "token.create", name, "succeeded", cancellationToken: ct);
        return Results.Created((string?)null, new TokenResponse(token, name, user.Role));
    }
}
