using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Auth;
using Microsoft.AspNetCore.Mvc;

namespace KoboConsole.Web.Features.Restores;

public static class RestoresEndpoints
{
    public static IEndpointRouteBuilder MapRestores(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/restores");
        api.MapPost("", StartAsync).RequireAuthorization(Roles.Admin);
        api.MapPost("/preflight", PreflightAsync).RequireAuthorization(Roles.Admin);
        api.MapGet("/{runId}", ResultAsync).RequireAuthorization(Roles.Viewer);
        return app;
    }

    private static async Task<IResult> StartAsync([FromBody] StartRestoreRequest request, RestoreService restores, HttpContext http, CancellationToken ct)
    {
        var errors = RestoreService.Validate(request);
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        try
        {
            var runId = await restores.StartAsync(request, AuditLog.ActorOf(http.User), ct);
            return Results.Accepted($"/api/v1/runs/{runId}", new { runId });
        }
        catch (RestoreRefusedException ex) when (ex.Conflict)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "A restore is already running", detail: ex.Message);
        }
        catch (RestoreRefusedException ex)
        {
            return Results.ValidationProblem(ex.Errors, detail: ex.Message, statusCode: StatusCodes.Status422UnprocessableEntity);
        }
    }

    private static async Task<IResult> PreflightAsync([FromBody] PreflightRequest request, RestoreService restores, CancellationToken ct)
    {
        if (RestoreService.BackupIdsProblem(request.BackupIds) is { } problem)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["backupIds"] = [problem] },
                statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        return Results.Ok(PreflightResponse.From(await restores.PreflightAsync(request, ct)));
    }

    private static async Task<IResult> ResultAsync(string runId, RestoreService restores, CancellationToken ct) =>
        await restores.ResultAsync(runId, ct) is { } result
            ? Results.Ok(result)
            : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such restore run", detail: $"There is no restore run {runId}; list runs of kind 'restore'.");
}
