using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Auth;

namespace KoboConsole.Web.Features.Runs;

public static class RunsEndpoints
{
    public static IEndpointRouteBuilder MapRuns(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/runs");
        api.MapGet("/{runId}", async (string runId, RunStore runs, CancellationToken ct) =>
            await runs.GetAsync(runId, ct) is { } run
                ? Results.Ok(RunResponse.From(run))
                : NotFound(runId)).RequireAuthorization(Roles.Viewer);
        api.MapPost("/{runId}/cancel", CancelAsync).RequireAuthorization(Roles.Operator);
        return app;
    }

    private static async Task<IResult> CancelAsync(string runId, RunStore runs, RunCancellation cancellation, AuditLog audit, HttpContext http, CancellationToken ct)
    {
        var run = await runs.GetAsync(runId, ct);
        if (run is null)
        {
            return NotFound(runId);
        }

        if (!await runs.RequestCancelAsync(runId, ct))
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The run has already finished",
                detail: $"Run {runId} ended as '{run.State}'; there is nothing to cancel. Start a new run if you need one.");
        }

        cancellation.Cancel(runId);
        await audit.WriteAsync(AuditLog.ActorOf(http.User), "run.cancel", $"{run.Kind} run {runId}", "requested", cancellationToken: ct);
        return Results.Accepted($"/api/v1/runs/{runId}", new { runId });
    }

    private static IResult NotFound(string runId) => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such run",
        detail: $"There is no run '{runId}'. Run ids come from the 202 answer of the request that started the run.");
}
