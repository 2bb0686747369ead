using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Auth;
using Microsoft.AspNetCore.Mvc;

namespace KoboConsole.Web.Features.Backups.Schedules;

public sealed record ScheduleResponse(string Id, IReadOnlyList<string> Stores, string Target, string Cron, string TimeZone, bool Enabled, string Source, string Description)
{
    public static ScheduleResponse From(BackupSchedule s) =>
        new(s.Id, s.Stores, s.Target, s.Cron, s.TimeZone, s.Enabled, s.Source, ScheduleRules.Describe(s.Cron, s.TimeZone));
}

/// <summary>Backup schedules over the API, through the page's <see cref="ScheduleEditor"/>.</summary>
public static class SchedulesEndpoints
{
    public static IEndpointRouteBuilder MapBackupSchedules(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/backups/schedules");
        api.MapGet("", async (BackupSchedules schedules, CancellationToken ct) =>
            (await schedules.ListAsync(ct)).Select(ScheduleResponse.From).ToList()).RequireAuthorization(Roles.Viewer);
        api.MapPost("", CreateAsync).RequireAuthorization(Roles.Operator);
        api.MapPut("/{id}", UpdateAsync).RequireAuthorization(Roles.Operator);
        api.MapDelete("/{id}", DeleteAsync).RequireAuthorization(Roles.Operator);
        return app;
    }

    private static async Task<IResult> CreateAsync([FromBody] ScheduleRequest request, ScheduleEditor editor, HttpContext http, CancellationToken ct)
    {
        var (schedule, errors) = await editor.CreateAsync(request, "api", AuditLog.ActorOf(http.User), ct);
        return schedule is null ? Invalid(errors) : Results.Created($"/api/v1/backups/schedules/{schedule.Id}", ScheduleResponse.From(schedule));
    }

    private static async Task<IResult> UpdateAsync(string id, [FromBody] ScheduleRequest request, ScheduleEditor editor, HttpContext http, CancellationToken ct)
    {
        // The editor checks the id too, and audits what it refuses.
        var (schedule, errors) = await editor.UpdateAsync(id, request, AuditLog.ActorOf(http.User), ct);
        return schedule is not null ? Results.Ok(ScheduleResponse.From(schedule))
            : !ScheduleEditor.IsId(id) ? InvalidId()
            : errors.Count > 0 ? Invalid(errors) : NotFound(id);
    }

    private static async Task<IResult> DeleteAsync(string id, ScheduleEditor editor, HttpContext http, CancellationToken ct) =>
        await editor.DeleteAsync(id, AuditLog.ActorOf(http.User), ct) ? Results.NoContent()
        : !ScheduleEditor.IsId(id) ? InvalidId() : NotFound(id);

    private static IResult Invalid(Dictionary<string, string[]> errors) =>
        Results.ValidationProblem(errors, statusCode: StatusCodes.Status422UnprocessableEntity, title: "The schedule is invalid",
            detail: "Correct the listed fields and send the request again.");

    private static IResult InvalidId() =>
        Results.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [ScheduleEditor.NotAnId] },
            statusCode: StatusCodes.Status422UnprocessableEntity, title: "The schedule id is invalid");

    private static IResult NotFound(string id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such schedule", detail: $"There is no backup schedule '{id}'; GET /api/v1/backups/schedules lists them.");
}
