using Dapper;
using KoboConsole.Web.Features.Hosts;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Infrastructure.Http;

/// <summary>
/// /healthz says the process is alive; /readyz says whether it can work: the console's database
/// answers and every Docker host is reachable. It names the failing checks (not their errors,
/// which can hold endpoints): 200 when all pass, 503 otherwise.
/// </summary>
public static class ReadinessEndpoint
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Text("ok")).AllowAnonymous();
        app.MapGet("/readyz", ReadyAsync).AllowAnonymous();
        return app;
    }

    private static async Task<IResult> ReadyAsync(ConsoleDb db, HostStatusService hosts, CancellationToken ct)
    {
        var checks = new List<object>();
        bool databaseOk;
        try
        {
            await using var c = await db.OpenAsync(ct);
            databaseOk = await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT 1", cancellationToken: ct)) == 1;
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            databaseOk = false;
        }

        checks.Add(new { name = "database", ok = databaseOk });
        var statuses = await hosts.CheckAllAsync(ct);
        checks.AddRange(statuses.Select(h => new { name = $"docker:{h.Name}", ok = h.Reachable }));
        var ready = databaseOk && statuses.All(h => h.Reachable);
        return Results.Json(new { status = ready ? "ready" : "not-ready", checks }, statusCode: ready ? 200 : 503);
    }
}
