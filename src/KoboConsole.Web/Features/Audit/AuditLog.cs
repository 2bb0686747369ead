using System.Security.Claims;
using Dapper;
using KoboConsole.Web.Features.Auth;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Audit;

public sealed record AuditQuery
{
    public const int MaxLimit = 10_000;

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    public string? Actor { get; init; }

    public string? Action { get; init; }

    public int Limit { get; init; } = 1000;
}

public sealed record AuditEntry(DateTimeOffset At, string Actor, string Action, string Target, string Outcome, string? Details, long? DurationMs);

/// <summary>Append-only audit trail. Callers pass details already free of secrets.</summary>
public sealed class AuditLog(ConsoleDb db, TimeProvider time)
{
    public async Task WriteAsync(string actor, string action, string target, string outcome, string? details = null, TimeSpan? duration = null, CancellationToken cancellationToken = default)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO audit (at, actor, action, target, outcome, details, duration_ms) VALUES (@at, @actor, @action, @target, @outcome, @details, @duration)",
            new
            {
                at = time.GetUtcNow().ToUnixTimeMilliseconds(),
                actor,
                action,
                target,
                outcome,
                details,
                duration = duration is { } d ? (long?)d.TotalMilliseconds : null,
            }, cancellationToken: cancellationToken));
    }

    public Task<IReadOnlyList<AuditEntry>> ReadAsync(int limit, CancellationToken cancellationToken) =>
        QueryAsync(new AuditQuery { Limit = limit }, cancellationToken);

    /// <summary>Newest first; every filter optional. Actor and action match a prefix ("backup." finds every backup action).</summary>
    public async Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.QueryAsync<Row>(new CommandDefinition(
            """
            SELECT at AS At, actor AS Actor, action AS Action, target AS Target, outcome AS Outcome, details AS Details, duration_ms AS DurationMs
            FROM audit
            WHERE (@from IS NULL OR at >= @from) AND (@to IS NULL OR at < @to)
              AND (@actor IS NULL OR actor LIKE @actor) AND (@action IS NULL OR action LIKE @action)
            ORDER BY id DESC LIMIT @limit
            """,
            new
            {
                from = query.From?.ToUnixTimeMilliseconds(),
                to = query.To?.ToUnixTimeMilliseconds(),
                actor = Prefix(query.Actor),
                action = Prefix(query.Action),
                limit = Math.Clamp(query.Limit, 1, AuditQuery.MaxLimit),
            }, cancellationToken: cancellationToken));
        return rows.Select(r => new AuditEntry(ConsoleDb.FromUnixMs(r.At), r.Actor, r.Action, r.Target, r.Outcome, r.Details, r.DurationMs)).ToList();
    }

    // LIKE with the user's text taken literally: escape the wildcards, then match a prefix.
    private static string? Prefix(string? value) => string.IsNullOrEmpty(value) ? null
        : value.Replace("%", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal) + "%";

    /// <summary>How an actor is named in the audit: the user, or the token and its user.</summary>
    public static string ActorOf(ClaimsPrincipal principal)
    {
        var name = principal.Identity?.Name ?? "anonymous";
        return principal.FindFirstValue(AuthClaims.TokenName) is { } token ? $"{name} (token {token})" : name;
    }

    private sealed class Row
    {
        public long At { get; set; }
        public string Actor { get; set; } = "";
        public string Action { get; set; } = "";
        public string Target { get; set; } = "";
        public string Outcome { get; set; } = "";
        public string? Details { get; set; }
        public long? DurationMs { get; set; }
    }
}
