using KoboConsole.Web.Features.Audit;
using Microsoft.AspNetCore.Mvc;

namespace KoboConsole.Web.Features.Auth.Users;

public sealed record CreateUserRequest(string? Username, string? Password, string? Role);

public sealed record UserResponse(string Username, string Role, bool Disabled, DateTimeOffset CreatedAt, DateTimeOffset? LastLoginAt)
{
    public static UserResponse From(UserInfo u) => new(u.Username, u.Role, u.Disabled, u.CreatedAt, u.LastLoginAt);
}

/// <summary>Users API (admin): list, create, change (role, password, enabled), disable. Users are never deleted: the audit keeps their names.</summary>
public static class UsersEndpoints
{
    public static IEndpointRouteBuilder MapUsers(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/users").RequireAuthorization(Roles.Admin);
        api.MapGet("", async (UserService users, CancellationToken ct) => (await users.ListAsync(ct)).Select(UserResponse.From));
        api.MapPost("", async ([FromBody] CreateUserRequest request, UserAdmin admin, HttpContext http, CancellationToken ct) =>
            await admin.CreateAsync(AuditLog.ActorOf(http.User), request.Username, request.Password, request.Role, ct) switch
            {
                ({ } user, _) => Results.Created($"/api/v1/users/{user.Username}", UserResponse.From(user)),
                (_, var error) => Problem(error!),
            });
        api.MapPut("/{username}", async (string username, [FromBody] UpdateUserRequest request, UserAdmin admin, HttpContext http, CancellationToken ct) =>
            await admin.UpdateAsync(AuditLog.ActorOf(http.User), http.User.Identity?.Name, username, request, ct) switch
            {
                ({ } user, _) => Results.Ok(UserResponse.From(user)),
                (_, var error) => Problem(error!),
            });
        api.MapDelete("/{username}", async (string username, UserAdmin admin, HttpContext http, CancellationToken ct) =>
            await admin.UpdateAsync(AuditLog.ActorOf(http.User), http.User.Identity?.Name, username, new UpdateUserRequest(null, null, false), ct) switch
            {
                ({ }, _) => Results.NoContent(),
                (_, var error) => Problem(error!),
            });
        return app;
    }

    private static IResult Problem(UserAdminError error) => error is { Status: 422, Field: { } field }
        ? Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [error.Detail] }, statusCode: 422, title: error.Title)
        : Results.Problem(statusCode: error.Status, title: error.Title, detail: error.Detail);
}
