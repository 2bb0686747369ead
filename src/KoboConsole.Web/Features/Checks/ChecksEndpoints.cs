using KoboConsole.Web.Features.Auth;
using KoboConsole.Web.Features.Checks.Alerts;

namespace KoboConsole.Web.Features.Checks;

/// <summary>One check in <c>GET /api/v1/checks</c>.</summary>
public sealed record CheckResponse(string Id, string Check, string Target, string State, string Message, DateTimeOffset Since, DateTimeOffset CheckedAt, bool Muted, string? MutedBy)
{
    public static CheckResponse From(CheckStatus s) => new(s.Id, s.Check, s.Target, s.State, s.Message, s.Since, s.CheckedAt, s.Muted, s.MutedBy);
}

public static class ChecksEndpoints
{
    private static readonly TimeSpan MaxRange = TimeSpan.FromDays(3650);

    public static IEndpointRouteBuilder MapChecks(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/checks");
        api.MapGet("", async (CheckStore store, CancellationToken ct) =>
            Results.Ok((await store.ListAsync(ct)).Select(CheckResponse.From))).RequireAuthorization(Roles.Viewer);
        api.MapGet("/history", HistoryAsync).RequireAuthorization(Roles.Viewer);
        app.MapAlerts();
        return app;
    }

    private static async Task<IResult> HistoryAsync(string? check, string? target, DateTimeOffset? from, DateTimeOffset? to, CheckStore store, TimeProvider time, CancellationToken ct)
    {
        var end = to ?? time.GetUtcNow();
        var start = from ?? end.AddDays(-1);
        if (start > end || end - start > MaxRange)
        {
            return Results.ValidationProblem(
                new Dictionary<string, string[]> { ["from"] = ["give 'from' before 'to' (ISO 8601 times, e.g. from=2026-12-01T00:00:00Z), at most 3650 days apart."] },
                statusCode: 422, title: "The time range is invalid");
        }

        return Results.Ok(await store.HistoryAsync(check, target, start, end, ct));
    }
}
