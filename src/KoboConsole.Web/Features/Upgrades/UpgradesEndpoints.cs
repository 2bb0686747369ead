using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace KoboConsole.Web.Features.Upgrades;

public static class UpgradesEndpoints
{
    public static IEndpointRouteBuilder MapUpgrades(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/upgrades/postgres").RequireAuthorization(Roles.Admin);
        api.MapPost("/preflight", PreflightAsync)
            .WithDescription("The checks and the plan of a PostgreSQL major upgrade to targetImage (never pulled); nothing is touched.");
        api.MapPost("", StartAsync)
            .WithDescription("Prepares the upgrade (run kind 'upgrade'): maintenance on, writers stopped, safety backup, dump and restore into a NEW data directory, verify. The old data is untouched; kobo waits in maintenance for switch or rollback.");
        api.MapGet("/{upgradeId}", GetAsync)
            .WithDescription("Where an upgrade stands: prepared, switched, rolled_back, retired or failed; the configuration change to make in kobo-docker.");
        api.MapPost("/{upgradeId}/switch", (string upgradeId, [FromBody] UpgradeConfirmRequest body, UpgradeService s, HttpContext http, CancellationToken ct) => ActAsync(upgradeId, UpgradeRunRequest.Switch, body, s, http, ct))
            .WithDescription("Runs postgres on the new image and data (the old container is stopped, kept), verifies, starts the writers, maintenance off. A failure rolls back by itself.");
        api.MapPost("/{upgradeId}/rollback", (string upgradeId, [FromBody] UpgradeConfirmRequest body, UpgradeService s, HttpContext http, CancellationToken ct) => ActAsync(upgradeId, UpgradeRunRequest.Rollback, body, s, http, ct))
            .WithDescription("Puts the old container and data back (writes made on the new server since the switch are lost); offered until the upgrade is retired.");
        api.MapPost("/{upgradeId}/retire", (string upgradeId, [FromBody] UpgradeConfirmRequest body, UpgradeService s, HttpContext http, CancellationToken ct) => ActAsync(upgradeId, UpgradeRunRequest.Retire, body, s, http, ct))
            .WithDescription("Removes the old (stopped) postgres container: no rollback any more. The old data directory is left for the admin to delete.");
        app.MapPost("/api/v1/upgrades/mongo/plan", MongoPlanAsync).RequireAuthorization(Roles.Admin)
            .WithDescription("The MongoDB upgrade chain from the running major (the mongo container's MONGO_VERSION) to target: each hop's image, shell, setFeatureCompatibilityVersion call and checks. Planning only; nothing is run.");
        var stack = app.MapGroup("/api/v1/stack").RequireAuthorization(Roles.Admin);
        stack.MapGet("/{part}/{action}", (string part, string action, bool? maintenance, StackOperationRunner ops, CancellationToken ct) => StackAsync(part, action, maintenance ?? false, null, ops, null, ct))
            .WithDescription("Preview: the phases of start, stop or restart of frontend, backend or all, in kobo's order, and their containers (?maintenance=true: with the maintenance page around them). Nothing is touched.");
        stack.MapPost("/{part}/{action}", (string part, string action, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] StackOperationRequest? body, StackOperationRunner ops, HttpContext http, CancellationToken ct)
                => StackAsync(part, action, body?.Maintenance ?? false, "run", ops, http, ct))
            .WithDescription("Starts, stops or restarts kobo's frontend, backend or all (run kind 'stack'): stop takes nginx, then the front end, then the back end down; start brings the back end up and waits for PostgreSQL, then the front end, nginx last. "
                + "{\"maintenance\": true}: the maintenance page goes up first and stands in for nginx; it comes down at the end of a start or restart (left up after a stop).");
        return app;
    }

    private static async Task<IResult> StackAsync(string part, string action, bool maintenance, string? run, StackOperationRunner ops, HttpContext? http, CancellationToken ct)
    {
        if (!StackOperationPlanner.Parts.Contains(part) || !StackOperationPlanner.Actions.Contains(action))
        {
            var field = StackOperationPlanner.Parts.Contains(part) ? "action" : "part";
            return Results.ValidationProblem(
                new Dictionary<string, string[]> { [field] = [$"must be one of {string.Join(", ", field == "part" ? StackOperationPlanner.Parts : StackOperationPlanner.Actions)}."] },
                detail: $"No such stack operation. Use /api/v1/stack/{{{string.Join("|", StackOperationPlanner.Parts)}}}/{{{string.Join("|", StackOperationPlanner.Actions)}}}.",
                statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        if (run is null)
        {
            return Results.Ok(await ops.PreviewAsync(part, action, maintenance, ct));
        }

        var runId = await ops.StartAsync(part, action, maintenance, AuditLog.ActorOf(http!.User), ct);
        return Results.Accepted($"/api/v1/runs/{runId}", new { runId });
    }

    private static async Task<IResult> MongoPlanAsync([FromBody] MongoPlanRequest request, UpgradeService upgrades, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Target) || !MongoUpgradePlanner.Majors.Contains(request.Target.Trim()))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["target"] = [$"is required: a MongoDB major, one of {string.Join(", ", MongoUpgradePlanner.Majors)}."] },
                statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        try
        {
            return Results.Ok(await upgrades.MongoPlanAsync(request.Target.Trim(), ct));
        }
        catch (UpgradeRefusedException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "No MongoDB to plan for", detail: ex.Message);
        }
    }

    private static async Task<IResult> PreflightAsync([FromBody] PostgresPreflightRequest request, UpgradeService upgrades, CancellationToken ct)
    {
        if (UpgradeService.Validate(request.TargetImage, request.Method, request.SkipBackupReason) is { Count: > 0 } errors)
        {
            return Results.ValidationProblem(errors, statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        try
        {
            return Results.Ok(await upgrades.PreflightAsync(request, ct));
        }
        catch (UpgradeRefusedException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "No PostgreSQL to upgrade", detail: ex.Message);
        }
    }

    private static async Task<IResult> StartAsync([FromBody] StartPostgresUpgradeRequest request, UpgradeService upgrades, HttpContext http, CancellationToken ct)
    {
        var errors = UpgradeService.Validate(request.TargetImage, request.Method, request.SkipBackupReason, request.Confirm);
        if (string.IsNullOrWhiteSpace(request.Confirm))
        {
            errors["confirm"] = ["is required: type the kobo public domain (the pre-flight shows it) to confirm the upgrade."];
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        try
        {
            var runId = await upgrades.StartAsync(request, AuditLog.ActorOf(http.User), ct);
            return Results.Accepted($"/api/v1/runs/{runId}", new { runId, upgradeId = runId });
        }
        catch (UpgradeRefusedException ex)
        {
            return Refused(ex);
        }
    }

    private static async Task<IResult> GetAsync(string upgradeId, UpgradeService upgrades, CancellationToken ct) =>
        await upgrades.GetAsync(upgradeId, ct) is { } record
            ? Results.Ok(record)
            : NotFound(upgradeId);

    private static async Task<IResult> ActAsync(string upgradeId, string action, UpgradeConfirmRequest body, UpgradeService upgrades, HttpContext http, CancellationToken ct)
    {
        if (!UpgradeService.IsUpgradeId(upgradeId))
        {
            return Results.ValidationProblem(
                new Dictionary<string, string[]> { ["upgradeId"] = ["is not an upgrade id: upgrade ids are letters and digits, the runId POST /api/v1/upgrades/postgres answered."] },
                statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        if (!UpgradeService.IsPlainText(body.Confirm))
        {
            return Results.ValidationProblem(
                new Dictionary<string, string[]> { ["confirm"] = [$"must be plain text of at most {UpgradeService.MaxTextLength} characters: the kobo public domain."] },
                statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        try
        {
            return await upgrades.ActAsync(upgradeId, action, body.Confirm, AuditLog.ActorOf(http.User), ct) is { } runId
                ? Results.Accepted($"/api/v1/runs/{runId}", new { runId })
                : NotFound(upgradeId);
        }
        catch (UpgradeRefusedException ex)
        {
            return Refused(ex);
        }
    }

    private static IResult Refused(UpgradeRefusedException ex) => ex.Conflict
        ? Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "An upgrade step is already running", detail: ex.Message)
        : Results.ValidationProblem(new Dictionary<string, string[]> { ["confirm"] = [ex.Message] }, detail: ex.Message, statusCode: StatusCodes.Status422UnprocessableEntity);

    private static IResult NotFound(string upgradeId) => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such upgrade",
        detail: $"There is no PostgreSQL upgrade {upgradeId}; its id is the runId POST /api/v1/upgrades/postgres answered.");
}
