using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Auth;

namespace KoboConsole.Web.Features.Runs;

public static class RunsEndpoints
{
    public static IEndpointRouteBuilder MapRuns(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/runs");
        api.MapGet("/{runId}", async (string runId, RunStore runs, CancellationToken ct) =>
            !IsRunId(runId) ? Invalid(runId)
            : await runs.GetAsync(runId, ct) is { } run
                ? Results.Ok(RunResponse.From(run))
                : NotFound(runId)).RequireAuthorization(Roles.Viewer);
        api.MapPost("/{runId}/cancel", CancelAsync).RequireAuthorization(Roles.Operator);
        return app;
    }

    private static async Task<IResult> CancelAsync(string runId, RunStore runs, RunCancelRequests cancels, HttpContext http, CancellationToken ct)
    {
        if (!IsRunId(runId))
        {
            return Invalid(runId);
        }

        var run = await runs.GetAsync(runId, ct);
        if (run is null)
        {
            return NotFound(runId);
        }

        if (!await cancels.RequestAsync(runId, run.Kind, AuditLog.ActorOf(http.User), ct))
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The run has already finished",
                detail: $"Run {runId} ended as '{run.State}'; there is nothing to cancel. Start a new run if you need one.");
        }

        return Results.Accepted($"/api/v1/runs/{runId}", new { runId });
    }

    // Run ids are 16 lower-case hex digits (RunStore); anything else, a path above all, is refused before any lookup.
    private static bool IsRunId(string runId) => runId.Length is > 0 and <= 64 && runId.All(char.IsAsciiLetterOrDigit);

    private static IResult Invalid(string runId) => Results.ValidationProblem(
        new Dictionary<string, string[]> { ["runId"] = [$"'{(runId.Length > 64 ? runId[..64] + "…" : runId)}' is not a run id: run ids are letters and digits, from the 202 answer that started the run."] },
        statusCode: 422, title: "The run id is invalid");

    private static IResult NotFound(string runId) => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such run",
        detail: $"There is no run '{runId}'. Run ids come from the 202 answer of the request that started the run.");
}
