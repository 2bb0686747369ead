using System.Security.Cryptography;
using System.Text;
using Dapper;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Auth;

public sealed record ApiTokenInfo(long Id, string Name, string Username, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, bool Revoked);

/// <summary>
/// API tokens: 256 random bits shown once; only their SHA-256 is stored. A plain hash is
/// enough here (unlike passwords): the input is random, so there is nothing to guess.
/// </summary>
public sealed partial class ApiTokenService(ConsoleDb db, TimeProvider time)
{
    public const string Prefix = "kc_";
    public const int MaxNameLength = 100;

    /// <summary>Why a token name is refused, or null: 1 to 100 letters, digits, spaces and . _ - : @ ( ) + (no markup, nothing path-like).</summary>
    public static string? ValidateName(string? name) => name is not null && name.Trim() is { Length: > 0 and <= MaxNameLength } n && NamePattern().IsMatch(n)
        ? null
        : $"use 1 to {MaxNameLength} letters, digits, spaces and . _ - : @ ( ) + that say what the token is for, e.g. 'upgrade pipeline'.";

    public async Task<string> CreateAsync(UserInfo user, string name, CancellationToken cancellationToken)
    {
        var token = Prefix + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        await using var c = await db.OpenAsync(cancellationToken);
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (@userId, @name, @hash, @now)",
            new { userId = user.Id, name, hash = Hash(token), now = time.GetUtcNow().ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken));
        return token;
    }

    /// <summary>The user and token name behind a presented token, or null when it is unknown, revoked or its user disabled.</summary>
    public async Task<(UserInfo User, string TokenName, long TokenId)?> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 200)
        {
            return null;
        }

        await using var c = await db.OpenAsync(cancellationToken);
        var row = await c.QuerySingleOrDefaultAsync<TokenRow>(new CommandDefinition(
            "SELECT t.id AS TokenId, t.name AS TokenName, t.last_used_at AS LastUsedAt, u.id AS UserId, u.username AS Username, u.role AS Role, " +
            "u.security_stamp AS SecurityStamp, u.created_at AS CreatedAt FROM api_tokens t JOIN users u ON u.id = t.user_id " +
            "WHERE t.token_hash = @hash AND t.revoked_at IS NULL AND u.disabled = 0",
            new { hash = Hash(token) }, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (row.LastUsedAt is null || now - row.LastUsedAt > 60_000)
        {
            // "Last used" to the minute is enough; no write on every request.
            await c.ExecuteAsync(new CommandDefinition("UPDATE api_tokens SET last_used_at = @now WHERE id = @id",
                new { now, id = row.TokenId }, cancellationToken: cancellationToken));
        }

        return (new UserInfo(row.UserId, row.Username, row.Role, false, row.SecurityStamp, ConsoleDb.FromUnixMs(row.CreatedAt), null), row.TokenName, row.TokenId);
    }

    public async Task<IReadOnlyList<ApiTokenInfo>> ListAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.QueryAsync<ListRow>(new CommandDefinition(
            "SELECT t.id AS Id, t.name AS Name, u.username AS Username, t.created_at AS CreatedAt, t.last_used_at AS LastUsedAt, t.revoked_at AS RevokedAt " +
            "FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.created_at DESC", cancellationToken: cancellationToken));
        return rows.Select(r => new ApiTokenInfo(r.Id, r.Name, r.Username, ConsoleDb.FromUnixMs(r.CreatedAt),
            r.LastUsedAt is { } l ? ConsoleDb.FromUnixMs(l) : null, r.RevokedAt is not null)).ToList();
    }

    /// <summary>Revokes one token by id; false when there is no such active token.</summary>
    public async Task<bool> RevokeAsync(long id, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return await c.ExecuteAsync(new CommandDefinition(
            "UPDATE api_tokens SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL",
            new { now = time.GetUtcNow().ToUnixTimeMilliseconds(), id }, cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>Whether the token is still usable: not revoked and its user enabled.</summary>
    public async Task<bool> IsActiveAsync(long id, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = @id AND t.revoked_at IS NULL AND u.disabled = 0",
            new { id }, cancellationToken: cancellationToken)) > 0;
    }

    internal static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    [System.Text.RegularExpressions.GeneratedRegex(@"^[\p{L}\p{N} ._:@()+-]+$")]
    private static partial System.Text.RegularExpressions.Regex NamePattern();

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed class TokenRow
    {
        public long TokenId { get; set; }
        public string TokenName { get; set; } = "";
        public long? LastUsedAt { get; set; }
        public long UserId { get; set; }
        public string Username { get; set; } = "";
        public string Role { get; set; } = "";
        public string SecurityStamp { get; set; } = "";
        public long CreatedAt { get; set; }
    }

    private sealed class ListRow
    {
        public long Id { get; set; }
        public string Name { get; set; } = "";
        public string Username { get; set; } = "";
        public long CreatedAt { get; set; }
        public long? LastUsedAt { get; set; }
        public long? RevokedAt { get; set; }
    }
}
