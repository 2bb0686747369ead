using KoboConsole.Web.Features.Audit;

namespace KoboConsole.Web.Features.Auth.Tokens;

public sealed record TokenResponseItem(string Name, string Owner, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, bool Revoked);

public static class TokensEndpoints
{
    public static IEndpointRouteBuilder MapTokens(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/tokens").RequireAuthorization(Roles.Admin);
        api.MapGet("", async (TokenAdmin tokens, CancellationToken ct) =>
            (await tokens.ListAsync(ct)).Select(t => new TokenResponseItem(t.Name, t.Username, t.CreatedAt, t.LastUsedAt, t.Revoked)));
        api.MapDelete("/{name}", async (string name, string? owner, TokenAdmin tokens, HttpContext http, CancellationToken ct) =>
            await tokens.RevokeByNameAsync(AuditLog.ActorOf(http.User), name, owner, ct) switch
            {
                { Status: 422, Problem: { } problem } => Results.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [problem] }, statusCode: 422),
                { Problem: { } problem } result => Results.Problem(statusCode: result.Status, title: result.Status == 404 ? "No such token" : "Ambiguous token name", detail: problem),
                _ => Results.NoContent(),
            });
        return app;
    }
}
