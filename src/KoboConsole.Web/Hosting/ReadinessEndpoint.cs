using Dapper;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Hosts;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Hosting;

/// <summary>
/// /healthz says the process is alive; /readyz says whether it can work: the console's database
/// answers and every Docker host is reachable. It names the failing checks (not their errors,
/// which can hold endpoints): 200 when all pass, 503 otherwise. The S3 start-up check is listed
/// when a bucket is configured but is advisory: a console that cannot reach S3 still serves
/// (what failed is in the log and on the Backups page, not here: /readyz is anonymous).
/// </summary>
public static class ReadinessEndpoint
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Text("ok")).AllowAnonymous();
        app.MapGet("/readyz", ReadyAsync).AllowAnonymous();
        return app;
    }

    private static async Task<IResult> ReadyAsync(ConsoleDb db, HostStatusService hosts, S3Status s3, CancellationToken ct)
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
        if (s3.State != S3Status.States.NotConfigured)
        {
            checks.Add(new { name = "s3", ok = s3.State != S3Status.States.Failed, advisory = true });
        }

        var ready = databaseOk && statuses.All(h => h.Reachable);
        return Results.Json(new { status = ready ? "ready" : "not-ready", checks }, statusCode: ready ? 200 : 503);
    }
}
