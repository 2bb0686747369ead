using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Auth;
using Microsoft.AspNetCore.Mvc;

namespace KoboConsole.Web.Features.Maintenance;

public sealed record HostStateResponse(string Name, string State);

public sealed record MaintenanceResponse(
    string State, string? Eta, string? DateIso, string? DateStr, string? Email, DateTimeOffset? Since,
    IReadOnlyList<HostStateResponse> Hosts, IReadOnlyList<object> Windows)
{
    public static MaintenanceResponse From(MaintenanceStatus s) => new(
        s.State, s.Fields?.Eta, s.Fields?.DateIso, s.Fields?.DateStr, s.Fields?.Email, s.Since,
        s.Hosts.Select(h => new HostStateResponse(h.Name, h.State)).ToList(), []);
}

public static class MaintenanceEndpoints
{
    /// <summary>A switch must finish (or roll back) even when the client goes away.</summary>
    private static readonly TimeSpan SwitchBudget = TimeSpan.FromMinutes(5);

    public static IEndpointRouteBuilder MapMaintenance(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/maintenance");
        api.MapGet("", async (MaintenanceService service, CancellationToken ct) =>
            MaintenanceResponse.From(await service.GetStatusAsync(ct))).RequireAuthorization(Roles.Viewer);
        api.MapPost("/enable", EnableAsync).RequireAuthorization(Roles.Operator);
        api.MapPost("/disable", DisableAsync).RequireAuthorization(Roles.Operator);
        return app;
    }

    private static async Task<IResult> EnableAsync([FromBody] MaintenanceRequest? request, MaintenanceService service, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var (fields, errors) = MaintenanceValidation.Validate(request ?? new MaintenanceRequest(), time.GetUtcNow(), await service.DefaultEmailAsync(ct));
        if (fields is null)
        {
            return Results.ValidationProblem(errors, statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "Some maintenance fields are invalid", detail: "Correct the listed fields and send the request again.");
        }

        return await RunAsync(() => service.EnableAsync(fields, AuditLog.ActorOf(http.User), Budget()), "Maintenance mode was not turned on");
    }

    private static Task<IResult> DisableAsync(MaintenanceService service, HttpContext http) =>
        RunAsync(() => service.DisableAsync(AuditLog.ActorOf(http.User), Budget()), "Maintenance mode was not turned off");

    private static CancellationToken Budget() => new CancellationTokenSource(SwitchBudget).Token;

    private static async Task<IResult> RunAsync(Func<Task<MaintenanceStatus>> toggle, string failedTitle)
    {
        try
        {
            return Results.Ok(MaintenanceResponse.From(await toggle()));
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
