using System.Globalization;
using System.Text;
using KoboConsole.Web.Features.Auth;

namespace KoboConsole.Web.Features.Audit;

public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/audit", ListAsync).RequireAuthorization(Roles.Admin);
        return app;
    }

    private static async Task<IResult> ListAsync(
        AuditLog audit, CancellationToken ct, string? from = null, string? to = null, string? actor = null, string? action = null, string? format = null, int? limit = null)
    {
        var errors = new Dictionary<string, string[]>();
        var fromTime = ParseTime(from, "from", errors);
        var toTime = ParseTime(to, "to", errors);
        if (format is not null and not "json" and not "csv")
        {
            errors["format"] = ["use json (the default) or csv."];
        }

        if (limit is < 1 or > AuditQuery.MaxLimit)
        {
            errors["limit"] = [$"use 1 to {AuditQuery.MaxLimit}."];
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        var entries = await audit.QueryAsync(new AuditQuery { From = fromTime, To = toTime, Actor = actor, Action = action, Limit = limit ?? 1000 }, ct);
        return format == "csv"
            ? Results.File(Encoding.UTF8.GetBytes(ToCsv(entries)), "text/csv", $"koboconsole-audit-{DateTime.UtcNow:yyyyMMdd-HHmm}.csv")
            : Results.Ok(entries.Select(e => new { at = e.At, e.Actor, e.Action, e.Target, e.Outcome, e.Details, durationMs = e.DurationMs }));
    }

    private static DateTimeOffset? ParseTime(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
        {
            return t;
        }

        errors[field] = ["use an ISO 8601 time such as 2026-11-25T10:00:00Z."];
        return null;
    }

    internal static string ToCsv(IEnumerable<AuditEntry> entries)
    {
        var sb = new StringBuilder("at,actor,action,target,outcome,details,durationMs\n");
        foreach (var e in entries)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{e.At:O},{Csv(e.Actor)},{Csv(e.Action)},{Csv(e.Target)},{Csv(e.Outcome)},{Csv(e.Details)},{e.DurationMs}\n");
        }

        return sb.ToString();
    }

    // Quotes every field and defuses spreadsheet formulas (=, +, -, @ at the start).
    private static string Csv(string? value)
    {
        value ??= "";
        if (value.Length > 0 && "=+-@\t\r".Contains(value[0], StringComparison.Ordinal))
        {
            value = "'" + value;
        }

        return "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
