using System.Globalization;
using System.IO.Compression;
using System.Text;
using KoboConsole.Web.Features.Auth;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Logs;

/// <summary>
/// Plain-text tails (<c>GET /api/v1/containers/{id}/logs</c>, contract v1) and the page's download
/// (<c>GET /logs/download</c>: one <c>.log</c> for one source, a <c>.zip</c> with one file per source for several).
/// </summary>
public static class LogsEndpoints
{
    public static IEndpointRouteBuilder MapLogs(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/containers/{id}/logs", TailAsync).RequireAuthorization(Roles.Viewer);
        app.MapGet("/logs/download", DownloadAsync).RequireAuthorization(Roles.Viewer);
        return app;
    }

    private static async Task<IResult> TailAsync(string id, int? tail, string? since, string? filter, string? exclude, bool? regex, LogStreamService logs, CancellationToken ct)
    {
        var request = Build([id], tail, since, filter, exclude, regex, files: false, out var errors);
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, statusCode: 422, title: "Some parameters are invalid");
        }

        var (items, problem) = await CollectAsync(logs, request!, ct);
        if (problem is not null)
        {
            return problem;
        }

        var text = new StringBuilder();
        foreach (var item in items)
        {
            text.Append(item.Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)).Append(' ');
            text.Append(item.IsMarker ? $"[{item.Stream}] " : "").Append(item.Text).Append('\n');
        }

        return Results.Text(text.ToString(), "text/plain; charset=utf-8");
    }

    private static async Task<IResult> DownloadAsync(string[] containers, int? tail, string? since, string? filter, string? exclude, bool? regex, bool? files, LogStreamService logs, CancellationToken ct)
    {
        var request = Build(containers, tail, since, filter, exclude, regex, files ?? true, out var errors);
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, statusCode: 422, title: "Some parameters are invalid");
        }

        var (items, problem) = await CollectAsync(logs, request!, ct);
        if (problem is not null)
        {
            return problem;
        }

        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var bySource = items.Where(i => !i.IsMarker).GroupBy(i => FileNameOf(i)).ToList();
        if (bySource.Count <= 1)
        {
            var name = bySource.Count == 0 ? "logs" : bySource[0].Key;
            return Results.File(Encoding.UTF8.GetBytes(LogText.Plain(items)), "text/plain", $"{name}-{stamp}.log");
        }

        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var group in bySource)
            {
                await using var entry = archive.CreateEntry($"{group.Key}.log", CompressionLevel.Fastest).Open();
                await entry.WriteAsync(Encoding.UTF8.GetBytes(LogText.Plain(group)), ct);
            }
        }

        return Results.File(zip.ToArray(), "application/zip", $"logs-{stamp}.zip");
    }

    private static string FileNameOf(LogItem item) =>
        item.Stream.StartsWith("file:", StringComparison.Ordinal) ? $"{item.ContainerName}-{item.Stream[5..]}".Replace(".log", "", StringComparison.Ordinal) : item.ContainerName;

    private static LogStreamRequest? Build(string[] containers, int? tail, string? since, string? filter, string? exclude, bool? regex, bool files, out Dictionary<string, string[]> errors)
    {
        errors = [];
        if (tail is < 0)
        {
            errors["tail"] = [LogStreamRequest.TailRule];
        }

        DateTimeOffset? sinceTime = null;
        if (!string.IsNullOrEmpty(since))
        {
            sinceTime = SinceParser.Parse(since, DateTimeOffset.UtcNow);
            if (sinceTime is null)
            {
                errors["since"] = ["must be an ISO 8601 time (2026-11-25T10:00:00Z) or a duration back from now (30s, 15m, 2h, 1d)."];
            }
        }

        if (containers.Length == 0)
        {
            errors["containers"] = ["name at least one container."];
        }
        else if (containers.FirstOrDefault(c => !ContainerRef.IsValid(c)) is { } bad)
        {
            errors[containers.Length == 1 ? "id" : "containers"] = [$"'{ContainerRef.Clip(bad)}' is not a container id or name; GET /api/v1/topology lists them."];
        }

        // A one-shot read says what is wrong with a pattern instead of falling back to plain text as a live stream does.
        if (regex == true && LogFilter.Create(filter, exclude, regex: true, matchCase: false).Problem is not null)
        {
            var field = LogFilter.Create(filter, null, regex: true, matchCase: false).Problem is not null ? "filter" : "exclude";
            errors[field] = ["is not a valid regular expression; fix the pattern or leave regex off."];
        }

        return errors.Count > 0 ? null : new LogStreamRequest
        {
            Containers = containers,
            Tail = tail,
            Since = sinceTime,
            Follow = false,
            Filter = filter,
            Exclude = exclude,
            Regex = regex ?? false,
            Files = files,
        };
    }

    private static async Task<(List<LogItem> Items, IResult? Problem)> CollectAsync(LogStreamService logs, LogStreamRequest request, CancellationToken ct)
    {
        try
        {
            var prepared = await logs.PrepareAsync(request, ct);
            prepared.Filter.StopAtFirstTimeout();
            var items = new List<LogItem>();
            await foreach (var batch in logs.StreamAsync(prepared, ct))
            {
                items.AddRange(batch);
            }

            return prepared.Filter.TimedOut || prepared.Filter.OverBudget
                ? ([], Results.Problem(statusCode: 400, title: "The regex is too slow", extensions: new Dictionary<string, object?> { ["field"] = request.Filter is null ? "exclude" : "filter" },
                    detail: prepared.Filter.TimedOut
                        ? $"The pattern took longer than {LogFilter.MatchTimeout.TotalMilliseconds:0} ms on a line ('{(request.Filter is null ? "exclude" : "filter")}'): simplify it (avoid nested repeats like (a+)+) or turn regex off."
                        : LogStreamService.OverBudgetText(prepared.Filter.BudgetMillisecondsPerSecond)))
                : (items, null);
        }
        catch (LogRequestException ex)
        {
            return ([], Results.Problem(statusCode: 404, title: "Unknown container", detail: ex.Message));
        }
        catch (DockerException ex)
        {
            return ([], Results.Problem(statusCode: 502, title: "The Docker host did not answer", detail: ex.Message + " Check the host on the overview page."));
        }
    }
}
