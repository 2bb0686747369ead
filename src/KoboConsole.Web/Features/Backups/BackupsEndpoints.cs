using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Auth;
using KoboConsole.Web.Features.Backups.KoboCron;
using KoboConsole.Web.Features.Backups.Schedules;
using Microsoft.AspNetCore.Mvc;

namespace KoboConsole.Web.Features.Backups;

public static class BackupsEndpoints
{
    public static IEndpointRouteBuilder MapBackups(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/backups");
        api.MapGet("", ListAsync).RequireAuthorization(Roles.Viewer);
        api.MapPost("", StartAsync).RequireAuthorization(Roles.Operator);
        api.MapGet("/move-to-safety", ScanAsync).RequireAuthorization(Roles.Viewer);
        api.MapPost("/move-to-safety", MoveAsync).RequireAuthorization(Roles.Operator);
        app.MapKoboCron();
        return app.MapBackupSchedules();
    }

    private static async Task<IResult> ListAsync(string? store, string? target, BackupCatalog catalog, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (store is not null && !BackupStores.All.Contains(store))
        {
            errors["store"] = [$"'{(store.Length > 64 ? store[..64] + "…" : store)}' is not a store; use {string.Join(", ", BackupStores.All)} or leave it out."];
        }

        if (target is not null && !BackupTargets.Readable.Contains(target))
        {
            errors["target"] = [$"'{(target.Length > 64 ? target[..64] + "…" : target)}' is not a target; use {string.Join(", ", BackupTargets.Readable)} or leave it out."];
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        try
        {
            return Results.Ok(await catalog.ListAsync(store, target, ct));
        }
        catch (BackupItemException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The backup target is not available", detail: ex.Message);
        }
    }

    private static async Task<IResult> StartAsync([FromBody] StartBackupRequest request, BackupService backups, BackupTargetResolver targets, HttpContext http, CancellationToken ct)
    {
        var errors = BackupService.Validate(request, targets.S3Configured);
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        try
        {
            var runId = await backups.StartAsync(request, AuditLog.ActorOf(http.User), ct);
            return Results.Accepted($"/api/v1/runs/{runId}", new { runId });
        }
        catch (BackupItemException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The backup cannot start now", detail: ex.Message);
        }
    }

    /// <summary>Console backups still in kobo's folders, where kobo's cron deletes them.</summary>
    private static async Task<IResult> ScanAsync(SafetyMove move, CancellationToken ct)
    {
        var scan = await move.ScanAsync(ct);
        return Results.Ok(new { scan.From, scan.To, scan.Endangered, scan.Items });
    }

    private static async Task<IResult> MoveAsync(SafetyMove move, HttpContext http, CancellationToken ct)
    {
        try
        {
            var result = await move.MoveAsync(AuditLog.ActorOf(http.User), ct);
            return Results.Ok(new { result.Moved, result.AlreadyGone, result.Problems, result.Manifests, result.Summary });
        }
        catch (BackupItemException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The backups cannot be moved", detail: ex.Message);
        }
    }
}
