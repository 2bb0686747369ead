using System.Data.Common;
using Dapper;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Auth;

public sealed record UserInfo(long Id, string Username, string Role, bool Disabled, string SecurityStamp, DateTimeOffset CreatedAt, DateTimeOffset? LastLoginAt);

public enum LoginOutcome
{
    Success,
    Invalid,
    LockedOut,
}

public sealed record LoginResult(LoginOutcome Outcome, UserInfo? User = null, DateTimeOffset? LockedUntil = null);

/// <summary>The console's users: hashed passwords (ASP.NET Core Identity's hasher), lockout, roles.</summary>
public sealed class UserService(ConsoleDb db, IOptions<AuthOptions> options, TimeProvider time)
{
    private static readonly PasswordHasher<string> Hasher = new();

    // Hashed once so that an unknown user name costs as much as a wrong password.
    private static readonly Lazy<string> DummyHash = new(() => Hasher.HashPassword(string.Empty, Guid.NewGuid().ToString()));

    private const string UserColumns =
        "id AS Id, username AS Username, role AS Role, disabled AS Disabled, security_stamp AS SecurityStamp, created_at AS CreatedAt, last_login_at AS LastLoginAt";

    public async Task<bool> AnyUsersAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM users", cancellationToken: cancellationToken)) > 0;
    }

    public async Task<IReadOnlyList<UserInfo>> ListAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.QueryAsync<UserRow>(new CommandDefinition($"SELECT {UserColumns} FROM users ORDER BY username", cancellationToken: cancellationToken));
        return rows.Select(r => r.ToInfo()).ToList();
    }

    public async Task<UserInfo?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var row = await c.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            $"SELECT {UserColumns} FROM users WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        return row?.ToInfo();
    }

    /// <summary>Creates a user; returns null and an error naming the field when the input is wrong.</summary>
    public async Task<(UserInfo? User, string? Error)> CreateAsync(string username, string password, string role, CancellationToken cancellationToken)
        => await CreateCoreAsync(username, password, role, onlyIfNoUsers: false, cancellationToken);

    /// <summary>Creates the first admin, atomically: nothing happens if any user exists already.</summary>
    public async Task<(UserInfo? User, string? Error)> CreateFirstAdminAsync(string username, string password, CancellationToken cancellationToken)
        => await CreateCoreAsync(username, password, Roles.Admin, onlyIfNoUsers: true, cancellationToken);

    private async Task<(UserInfo? User, string? Error)> CreateCoreAsync(string username, string password, string role, bool onlyIfNoUsers, CancellationToken cancellationToken)
    {
        if (UserRules.ValidateUsername(username) is { } userError)
        {
            return (null, $"username: {userError}");
        }

        if (UserRules.ValidatePassword(password) is { } passwordError)
        {
            return (null, $"password: {passwordError}");
        }

        if (!Roles.IsKnown(role))
        {
            return (null, $"role: must be one of {string.Join(", ", Roles.All)}.");
        }

        var normalized = UserRules.Normalize(username);
        await using var c = await db.OpenAsync(cancellationToken);
        var sql = "INSERT INTO users (username, password_hash, role, security_stamp, created_at) " +
                  "SELECT @username, @hash, @role, @stamp, @now " +
                  (onlyIfNoUsers ? "WHERE NOT EXISTS (SELECT 1 FROM users)" : "WHERE NOT EXISTS (SELECT 1 FROM users WHERE username = @username)");
        var inserted = await c.ExecuteAsync(new CommandDefinition(sql, new
        {
            username = normalized,
            hash = Hasher.HashPassword(normalized, password),
            role,
            stamp = Guid.NewGuid().ToString("N"),
            now = time.GetUtcNow().ToUnixTimeMilliseconds(),
        }, cancellationToken: cancellationToken));
        if (inserted == 0)
        {
            return (null, onlyIfNoUsers ? "setup: an administrator exists already; sign in instead." : $"username: '{normalized}' exists already.");
        }

        return (await FindByNameAsync(c, normalized, cancellationToken), null);
    }

    public async Task<LoginResult> VerifyAsync(string username, string password, CancellationToken cancellationToken)
    {
        var normalized = UserRules.Normalize(username ?? string.Empty);
        var now = time.GetUtcNow();
        await using var c = await db.OpenAsync(cancellationToken);
        var row = await c.QuerySingleOrDefaultAsync<CredentialRow>(new CommandDefinition(
            "SELECT id AS Id, password_hash AS PasswordHash, disabled AS Disabled, failed_count AS FailedCount, lockout_until AS LockoutUntil FROM users WHERE username = @normalized",
            new { normalized }, cancellationToken: cancellationToken));
        if (row is null || row.Disabled != 0)
        {
            Hasher.VerifyHashedPassword(string.Empty, DummyHash.Value, password ?? string.Empty);
            return new LoginResult(LoginOutcome.Invalid);
        }

        if (row.LockoutUntil is { } until && until > now.ToUnixTimeMilliseconds())
        {
            return new LoginResult(LoginOutcome.LockedOut, LockedUntil: ConsoleDb.FromUnixMs(until));
        }

        var verdict = Hasher.VerifyHashedPassword(normalized, row.PasswordHash, password ?? string.Empty);
        if (verdict == PasswordVerificationResult.Failed)
        {
            return await RecordFailureAsync(c, row, now, cancellationToken);
        }

        var newHash = verdict == PasswordVerificationResult.SuccessRehashNeeded ? Hasher.HashPassword(normalized, password!) : row.PasswordHash;
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET failed_count = 0, lockout_until = NULL, last_login_at = @now, password_hash = @newHash WHERE id = @id",
            new { now = now.ToUnixTimeMilliseconds(), newHash, id = row.Id }, cancellationToken: cancellationToken));
        var user = await FindByNameAsync(c, normalized, cancellationToken);
        return new LoginResult(LoginOutcome.Success, user);
    }

    private async Task<LoginResult> RecordFailureAsync(DbConnection c, CredentialRow row, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var failed = row.FailedCount + 1;
        long? lockUntil = failed >= o.LockoutThreshold ? now.AddMinutes(o.LockoutMinutes).ToUnixTimeMilliseconds() : null;
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET failed_count = @failed, lockout_until = @lockUntil WHERE id = @id",
            new { failed = lockUntil is null ? failed : 0, lockUntil, id = row.Id }, cancellationToken: cancellationToken));
        return lockUntil is { } u
            ? new LoginResult(LoginOutcome.LockedOut, LockedUntil: ConsoleDb.FromUnixMs(u))
            : new LoginResult(LoginOutcome.Invalid);
    }

    private static async Task<UserInfo?> FindByNameAsync(DbConnection c, string normalized, CancellationToken cancellationToken)
    {
        var row = await c.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            $"SELECT {UserColumns} FROM users WHERE username = @normalized", new { normalized }, cancellationToken: cancellationToken));
        return row?.ToInfo();
    }

    private sealed class UserRow
    {
        public long Id { get; set; }
        public string Username { get; set; } = "";
        public string Role { get; set; } = "";
        public long Disabled { get; set; }
        public string SecurityStamp { get; set; } = "";
        public long CreatedAt { get; set; }
        public long? LastLoginAt { get; set; }

        public UserInfo ToInfo() => new(Id, Username, Role, Disabled != 0, SecurityStamp, ConsoleDb.FromUnixMs(CreatedAt),
            LastLoginAt is { } l ? ConsoleDb.FromUnixMs(l) : null);
    }

    private sealed class CredentialRow
    {
        public long Id { get; set; }
        public string PasswordHash { get; set; } = "";
        public long Disabled { get; set; }
        public long FailedCount { get; set; }
        public long? LockoutUntil { get; set; }
    }
}
