using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Auth;
using Microsoft.AspNetCore.Mvc;

namespace KoboConsole.Web.Features.Maintenance;

public sealed record HostStateResponse(string Name, string State);

public sealed record MaintenanceResponse(
    string State, string? Eta, string? DateIso, string? DateStr, string? Email, DateTimeOffset? Since,
    IReadOnlyList<HostStateResponse> Hosts, IReadOnlyList<WindowResponse> Windows)
{
    public static MaintenanceResponse From(MaintenanceStatus s, IReadOnlyList<MaintenanceWindow> windows) => new(
        s.State, s.Fields?.Eta, s.Fields?.DateIso, s.Fields?.DateStr, s.Fields?.Email, s.Since,
        s.Hosts.Select(h => new HostStateResponse(h.Name, h.State)).ToList(), windows.Select(WindowResponse.From).ToList());
}

public sealed record WindowResponse(string Id, DateTimeOffset Start, DateTimeOffset End, string Eta, string? Email, string State, string CreatedBy, string? Error)
{
    public static WindowResponse From(MaintenanceWindow w) => new(w.Id, w.Start, w.End, w.Eta, w.Email, w.State, w.CreatedBy, w.LastError);
}

public static class MaintenanceEndpoints
{
    /// <summary>A switch must finish (or roll back) even when the client goes away.</summary>
    private static readonly TimeSpan SwitchBudget = TimeSpan.FromMinutes(5);

    public static IEndpointRouteBuilder MapMaintenance(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/maintenance");
        api.MapGet("", async (MaintenanceService service, MaintenanceWindows windows, CancellationToken ct) =>
            MaintenanceResponse.From(await service.GetStatusAsync(ct), await windows.ListOpenAsync(ct))).RequireAuthorization(Roles.Viewer);
        api.MapPost("/enable", EnableAsync).RequireAuthorization(Roles.Operator);
        api.MapPost("/disable", DisableAsync).RequireAuthorization(Roles.Operator);
        api.MapPost("/windows", CreateWindowAsync).RequireAuthorization(Roles.Operator);
        api.MapDelete("/windows/{id}", CancelWindowAsync).RequireAuthorization(Roles.Operator);
        return app;
    }

    private static async Task<IResult> EnableAsync([FromBody] MaintenanceRequest? request, MaintenanceService service, MaintenanceWindows windows, TimeProvider time, HttpContext http, ILogger<MaintenanceService> logger, CancellationToken ct)
    {
        Log.Step(logger, "request received");
        var (fields, errors) = MaintenanceValidation.Validate(request ?? new MaintenanceRequest(), time.GetUtcNow(), await service.DefaultEmailAsync(ct));
        Log.Step(logger, "default contact read");
        if (fields is null)
        {
            return Results.ValidationProblem(errors, statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "Some maintenance fields are invalid", detail: "Correct the listed fields and send the request again.");
        }

        return await RunAsync(() => service.EnableAsync(fields, AuditLog.ActorOf(http.User), Budget()), windows, "Maintenance mode was not turned on");
    }

    private static Task<IResult> DisableAsync(MaintenanceService service, MaintenanceWindows windows, HttpContext http) =>
        RunAsync(() => service.DisableAsync(AuditLog.ActorOf(http.User), Budget()), windows, "Maintenance mode was not turned off");

    private static async Task<IResult> CreateWindowAsync([FromBody] WindowRequest request, MaintenanceWindows windows, HttpContext http, CancellationToken ct)
    {
        var (window, errors) = await windows.CreateAsync(request, AuditLog.ActorOf(http.User), ct);
        return window is null
            ? Results.ValidationProblem(errors, statusCode: StatusCodes.Status422UnprocessableEntity, title: "The window is invalid", detail: "Correct the listed fields and send the request again.")
            : Results.Created($"/api/v1/maintenance/windows/{window.Id}", WindowResponse.From(window));
    }

    private static async Task<IResult> CancelWindowAsync(string id, MaintenanceWindows windows, HttpContext http, CancellationToken ct) =>
        !(id.Length is > 0 and <= 64 && id.All(char.IsAsciiLetterOrDigit))
        ? Results.ValidationProblem(new Dictionary<string, string[]> { ["id"] = ["is not a window id: ids are letters and digits, as GET /api/v1/maintenance lists them."] },
            statusCode: 422, title: "The window id is invalid")
        : await windows.CancelAsync(id, AuditLog.ActorOf(http.User), ct) switch
        {
            true => Results.NoContent(),
            false => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The window has already started",
                detail: $"Window {id} is no longer scheduled; turn maintenance off instead (POST /api/v1/maintenance/disable)."),
            null => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such window", detail: $"There is no maintenance window '{id}'."),
        };

    private static CancellationToken Budget() => new CancellationTokenSource(SwitchBudget).Token;

    private static async Task<IResult> RunAsync(Func<Task<MaintenanceStatus>> toggle, MaintenanceWindows windows, string failedTitle)
    {
        try
        {
            var status = await toggle();
            return Results.Ok(MaintenanceResponse.From(status, await windows.ListOpenAsync(CancellationToken.None)));
        }
        catch (MaintenanceRefusedException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict,
                title: ex.Busy ? "A maintenance toggle is in progress" : "Maintenance cannot be switched now", detail: ex.Message);
        }
        catch (MaintenanceSwitchException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status502BadGateway, title: failedTitle, detail: ex.Message);
        }
    }
}
