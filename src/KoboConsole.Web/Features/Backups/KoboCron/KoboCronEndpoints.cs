using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Auth;

namespace KoboConsole.Web.Features.Backups.KoboCron;

/// <summary>kobo's own backup crons over the API: read by viewers, switched by operators.</summary>
public static class KoboCronEndpoints
{
    public static IEndpointRouteBuilder MapKoboCron(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/backups/kobo-cron");
        api.MapGet("", (KoboCronService cron, CancellationToken ct) => cron.ListAsync(ct)).RequireAuthorization(Roles.Viewer);
        api.MapPost("/{store}/disable", (string store, KoboCronService cron, HttpContext http, CancellationToken ct) => SwitchAsync(store, false, cron, http, ct))
            .RequireAuthorization(Roles.Operator);
        api.MapPost("/{store}/enable", (string store, KoboCronService cron, HttpContext http, CancellationToken ct) => SwitchAsync(store, true, cron, http, ct))
            .RequireAuthorization(Roles.Operator);
        return app;
    }

    private static async Task<IResult> SwitchAsync(string store, bool on, KoboCronService cron, HttpContext http, CancellationToken ct)
    {
        try
        {
            return Results.Ok(await cron.SwitchAsync(store, on, AuditLog.ActorOf(http.User), ct));
        }
        catch (KoboCronException ex)
        {
            return Results.Problem(statusCode: ex.Status, title: $"kobo's backup cron was not switched {(on ? "on" : "off")}", detail: ex.Message);
        }
    }
}
