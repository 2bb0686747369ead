using System.Diagnostics;
using Dapper;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.AspNetCore.Identity;

namespace KoboConsole.Web.Features.Auth.Users;

/// <summary>A change to one user (PUT /api/v1/users/{username}); every field optional, at least one set.</summary>
public sealed record UpdateUserRequest(string? Role, string? Password, bool? Enabled);

/// <summary>Why a user change was refused: the HTTP status, the field at fault (if any) and what to do.</summary>
public sealed record UserAdminError(int Status, string Title, string? Field, string Detail);

/// <summary>
/// What admins do to users, shared by the Users page and the API: every change is checked (no
/// admin may leave the console without an enabled admin), rotates the security stamp (open
/// sessions end on their next request) and writes an audit entry without secrets.
/// </summary>
public sealed class UserAdmin(UserService users, ConsoleDb db, AuditLog audit, LiveSessions sessions)
{
    private static readonly PasswordHasher<string> Hasher = new();

    public async Task<(UserInfo? User, UserAdminError? Error)> CreateAsync(string actor, string? username, string? password, string? role, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var (user, error) = await users.CreateAsync(username ?? "", password ?? "", role ?? "", cancellationToken);
        var target = Target(username);
        if (user is null)
        {
            var parts = error!.Split(':', 2);
            var conflict = error.Contains("exists already", StringComparison.Ordinal);
            await audit.WriteAsync(actor, "user.create", target, "rejected", error, watch.Elapsed, cancellationToken);
            return (null, new UserAdminError(conflict ? 409 : 422, conflict ? "User exists" : "The user is invalid", parts[0], parts[1].Trim()));
        }

        await audit.WriteAsync(actor, "user.create", user.Username, "succeeded", $"role {user.Role}", watch.Elapsed, cancellationToken);
        return (user, null);
    }

    public async Task<(UserInfo? User, UserAdminError? Error)> UpdateAsync(string actor, string? actorName, string username, UpdateUserRequest change, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var target = Target(username);
        var error = Validate(change, target, actorName);
        var details = Describe(change);
        if (error is null)
        {
            error = await ApplyAsync(target, change, cancellationToken);
        }

        await audit.WriteAsync(actor, "user.update", target, error is null ? "succeeded" : "rejected",
            error is null ? details : $"{details}: {error.Detail}", watch.Elapsed, cancellationToken);
        if (error is not null)
        {
            return (null, error);
        }

        // The stamp rotated: hub connections and open pages of the user end now, not at their next check.
        var user = (await users.ListAsync(cancellationToken)).First(u => u.Username == target);
        sessions.EndUser(user.Id);
        return (user, null);
    }

    internal static UserAdminError? Validate(UpdateUserRequest change, string target, string? actorName)
    {
        if (UserRules.ValidateUsername(target) is { } usernameError)
        {
            return new UserAdminError(422, "The user name is invalid", "username", usernameError);
        }

        if (change.Role is null && change.Password is null && change.Enabled is null)
        {
            return new UserAdminError(422, "Nothing to change", "role", "Send at least one of role, password or enabled.");
        }

        if (change.Role is not null && !Roles.IsKnown(change.Role))
        {
            return new UserAdminError(422, "The change is invalid", "role", $"must be one of {string.Join(", ", Roles.All)}.");
        }

        if (change.Password is not null && UserRules.ValidatePassword(change.Password) is { } passwordError)
        {
            return new UserAdminError(422, "The change is invalid", "password", passwordError);
        }

        return change.Enabled == false && string.Equals(target, actorName, StringComparison.Ordinal)
            ? new UserAdminError(409, "Cannot disable yourself", "enabled", "Ask another admin to do it.")
            : null;
    }

    // Never the password: only that it was reset.
    internal static string Describe(UpdateUserRequest change) => string.Join("; ", new[]
    {
        change.Role is null ? null : Roles.IsKnown(change.Role) ? $"role {change.Role}" : "role (invalid)",
        change.Password is null ? null : "password reset",
        change.Enabled switch { true => "enabled", false => "disabled", null => null },
    }.Where(s => s is not null));

    private async Task<UserAdminError?> ApplyAsync(string target, UpdateUserRequest change, CancellationToken cancellationToken)
    {
        // The change carries its own "an enabled admin remains" check. On PostgreSQL two demotions of two
        // different admins would each see the other admin still there (read committed): a change that
        // removes an admin first locks every enabled admin row, so the second waits and sees the first.
        var keepsAdmin = change.Enabled != false && (change.Role is null || change.Role == Roles.Admin);
        await using var c = await db.OpenAsync(cancellationToken);
        await using var tx = await c.BeginTransactionAsync(cancellationToken);
        if (!keepsAdmin && db.Provider == StorageProvider.PostgreSql)
        {
            await c.QueryAsync<string>(new CommandDefinition(
                "SELECT username FROM users WHERE role = 'admin' AND disabled = 0 ORDER BY username FOR UPDATE", transaction: tx, cancellationToken: cancellationToken));
        }

        var exists = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM users WHERE username = @target", new { target }, tx, cancellationToken: cancellationToken)) > 0;
        if (!exists)
        {
            return new UserAdminError(404, "No such user", null, $"No user is named '{target}'; GET /api/v1/users lists them.");
        }

        var changed = await c.ExecuteAsync(new CommandDefinition(
            """
            UPDATE users SET role = COALESCE(@role, role), password_hash = COALESCE(@hash, password_hash),
                disabled = COALESCE(@disabled, disabled), security_stamp = @stamp,
                failed_count = CASE WHEN @hash IS NULL THEN failed_count ELSE 0 END,
                lockout_until = CASE WHEN @hash IS NULL THEN lockout_until ELSE NULL END
            WHERE username = @target AND (@keepsAdmin = 1 OR role <> 'admin' OR disabled <> 0
                OR EXISTS (SELECT 1 FROM users o WHERE o.role = 'admin' AND o.disabled = 0 AND o.username <> @target))
            """,
            new
            {
                role = change.Role,
                hash = change.Password is null ? null : Hasher.HashPassword(target, change.Password),
                disabled = change.Enabled switch { true => 0, false => 1, null => (int?)null },
                stamp = Guid.NewGuid().ToString("N"),
                target,
                keepsAdmin = keepsAdmin ? 1 : 0,
            }, tx, cancellationToken: cancellationToken));
        await tx.CommitAsync(cancellationToken);
        return changed > 0 ? null : new UserAdminError(409, "The last admin must stay", change.Enabled == false ? "enabled" : "role",
            $"'{target}' is the only enabled admin: make another user admin first, or the console would have no admin left.");
    }

    private static string Target(string? username)
    {
        var normalized = UserRules.Normalize(username ?? "");
        return normalized.Length > 64 ? normalized[..64] + "…" : normalized;
    }
}
