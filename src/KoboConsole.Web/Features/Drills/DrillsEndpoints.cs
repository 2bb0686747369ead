using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Auth;
using Microsoft.AspNetCore.Mvc;

namespace KoboConsole.Web.Features.Drills;

public static class DrillsEndpoints
{
    public static IEndpointRouteBuilder MapDrills(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/drills", StartAsync).RequireAuthorization(Roles.Operator);
        return app;
    }

    private static async Task<IResult> StartAsync([FromBody] StartDrillRequest request, DrillService drills, HttpContext http, CancellationToken ct)
    {
        var errors = DrillService.Validate(request);
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "The drill request is not valid", detail: "Name the stores to drill, e.g. {\"stores\": [\"postgres\", \"redis\"]}.");
        }

        var runId = await drills.StartAsync(request.Stores!, AuditLog.ActorOf(http.User), ct);
        return Results.Accepted($"/api/v1/runs/{runId}", new { runId });
    }
}
