using System.Diagnostics;
using KoboConsole.Web.Features.Audit;

namespace KoboConsole.Web.Features.Auth.Tokens;

/// <summary>What admins do to API tokens (the Tokens page and the API): list, revoke, create one for oneself. Audited.</summary>
public sealed class TokenAdmin(ApiTokenService tokens, UserService users, AuditLog audit, LiveSessions sessions)
{
    public Task<IReadOnlyList<ApiTokenInfo>> ListAsync(CancellationToken cancellationToken) => tokens.ListAsync(cancellationToken);

    /// <summary>Revokes the active tokens called <paramref name="name"/> (of <paramref name="owner"/> when given).</summary>
    public async Task<RevokeResult> RevokeByNameAsync(string actor, string name, string? owner, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        if (ApiTokenService.ValidateName(name) is { } nameError)
        {
            return new(0, 422, nameError);
        }

        var matches = (await tokens.ListAsync(cancellationToken))
            .Where(t => !t.Revoked && t.Name == name && (owner is null || t.Username == UserRules.Normalize(owner))).ToList();
        if (matches.Count == 0)
        {
            return new(0, 404, $"No active token is named '{Short(name)}'{(owner is null ? "" : $" for '{Short(owner)}'")}; GET /api/v1/tokens lists them.");
        }

        if (matches.Select(t => t.Username).Distinct().Count() > 1)
        {
            return new(0, 409, $"Several users have a token named '{Short(name)}': add ?owner=<username> to say whose.");
        }

        foreach (var t in matches)
        {
            await tokens.RevokeAsync(t.Id, cancellationToken);
            sessions.EndToken(t.Id);
        }

        await audit.WriteAsync(actor, "token.revoke", $"{Short(name)} of {matches[0].Username}", "succeeded", null, watch.Elapsed, cancellationToken);
        return new(matches.Count, 204, null);
    }

    public async Task<bool> RevokeAsync(string actor, ApiTokenInfo token, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var revoked = await tokens.RevokeAsync(token.Id, cancellationToken);
        sessions.EndToken(token.Id);
        await audit.WriteAsync(actor, "token.revoke", $"{token.Name} of {token.Username}", revoked ? "succeeded" : "rejected",
            revoked ? null : "already revoked", watch.Elapsed, cancellationToken);
        return revoked;
    }

    /// <summary>A new token for the signed-in user; returns the token (shown once) or an error for the name field.</summary>
    public async Task<(string? Token, string? Error)> CreateForSelfAsync(string actor, long userId, string? name, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        if (ApiTokenService.ValidateName(name) is { } nameError)
        {
            return (null, $"Name: {nameError}");
        }

        var user = await users.FindAsync(userId, cancellationToken);
        if (user is null || user.Disabled)
        {
            return (null, "Your account is no longer active; sign in again.");
        }

        var trimmed = name!.Trim();
        var token = await tokens.CreateAsync(user, trimmed, cancellationToken);
        await audit.WriteAsync(actor, "token.create", trimmed, "succeeded", null, watch.Elapsed, cancellationToken);
        return (token, null);
    }

    private static string Short(string value) => value.Length > 100 ? value[..100] + "…" : value;
}

/// <summary>How many tokens were revoked, or the status and message of the refusal.</summary>
public sealed record RevokeResult(int Revoked, int Status, string? Problem);
