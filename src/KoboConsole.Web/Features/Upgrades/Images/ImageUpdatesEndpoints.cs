using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace KoboConsole.Web.Features.Upgrades.Images;

public static class ImageUpdatesEndpoints
{
    public static IEndpointRouteBuilder MapImageUpdates(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/stack/updates", async (ImageUpdateService updates, CancellationToken ct) => Results.Ok(await updates.ListAsync(ct)))
            .RequireAuthorization(Roles.Viewer)
            .WithDescription("Each kobo container with the image its configuration names: the image id it runs and the one that reference points to on its host now (updateAvailable when they differ: pulled or loaded by the admin). Nothing is pulled.");
        app.MapPost("/api/v1/stack/updates/{service}/recreate", RecreateAsync)
            .RequireAuthorization(Roles.Admin)
            .WithDescription("Recreates the service's containers (or every front-end one: 'frontend') on the image their configuration names, keeping their configuration (run kind 'recreate'); "
                + "a container that does not stay up is replaced by the previous one again. {\"maintenance\": true} puts the maintenance page up around it.");
        return app;
    }

    private static async Task<IResult> RecreateAsync(string service, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] RecreateRequest? body, ImageUpdateService updates,
        HttpContext http, CancellationToken ct)
    {
        if (!ImageUpdateRules.IsServiceName(service))
        {
            return Results.ValidationProblem(
                new Dictionary<string, string[]> { ["service"] = ["must be a kobo service name (letters, digits, '_', '-', '.'), e.g. kpi, or 'frontend'."] },
                statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        try
        {
            return await updates.StartAsync(service, body?.Maintenance ?? false, AuditLog.ActorOf(http.User), ct) is { } runId
                ? Results.Accepted($"/api/v1/runs/{runId}", new { runId })
                : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such service",
                    detail: $"No kobo container runs service '{service}'; GET /api/v1/stack/updates lists them.");
        }
        catch (UpgradeRefusedException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Nothing to recreate", detail: ex.Message);
        }
    }
}
