using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Checks.Alerts;
using KoboConsole.Web.Features.Runs;

namespace KoboConsole.Web.Features.Jobs;

/// <summary>
/// One thing the console did: a run (backup, restore, drill, upgrade, stack operation), a
/// maintenance toggle or window, a container action, or an alert it sent. <see cref="State"/>
/// is one of <see cref="JobStates"/>; <see cref="Outcome"/> is the source's own word.
/// </summary>
public sealed record JobEntry(
    string Kind,
    string Title,
    string State,
    string Outcome,
    string Actor,
    DateTimeOffset At,
    TimeSpan? Duration,
    string? Link,
    string? Detail);

public static class JobStates
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static readonly IReadOnlyList<string> All = [Running, Succeeded, Failed, Cancelled];
}

public sealed record JobQuery
{
    public string? Kind { get; init; }

    public string? State { get; init; }

    /// <summary>Matches the start of the actor's name, ignoring case.</summary>
    public string? Actor { get; init; }

    public DateTimeOffset? From { get; init; }

    public int Limit { get; init; } = 300;
}

/// <summary>
/// The history of everything the console did, read from what is stored already: the runs
/// table, the audit (maintenance toggles and windows, container actions) and the alert
/// delivery log. Nothing is stored twice.
/// </summary>
public sealed class JobHistory(RunStore runs, AuditLog audit, AlertDeliveries deliveries, TimeProvider time)
{
    /// <summary>The kinds a filter offers: run kinds, then the audit's and the alerts'.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["backup", "restore", "drill", "upgrade", "stack", "maintenance", "container", "alert"];

    private static readonly string[] AuditPrefixes = ["maintenance.", "container."];

    public async Task<IReadOnlyList<JobEntry>> ListAsync(JobQuery query, CancellationToken cancellationToken)
    {
        var entries = new List<JobEntry>();
        var now = time.GetUtcNow();
        if (query.Kind is not ("maintenance" or "container" or "alert"))
        {
            entries.AddRange((await runs.ListRecentAsync(query.From, null, query.Limit, cancellationToken)).Select(r => FromRun(r, now)));
        }

        foreach (var prefix in AuditPrefixes)
        {
            if (query.Kind is null || prefix.StartsWith(query.Kind + ".", StringComparison.Ordinal))
            {
                var rows = await audit.QueryAsync(new AuditQuery { Action = prefix, From = query.From, Limit = query.Limit }, cancellationToken);
                entries.AddRange(rows.Select(FromAudit));
            }
        }

        if (query.Kind is null or "alert")
        {
            var sent = await deliveries.ListAsync(null, query.Limit, cancellationToken);
            entries.AddRange(sent.Where(d => query.From is null || d.At >= query.From).Select(FromDelivery));
        }

        return [.. entries
            .Where(e => query.Kind is null || e.Kind == query.Kind)
            .Where(e => query.State is null || e.State == query.State)
            .Where(e => string.IsNullOrWhiteSpace(query.Actor) || e.Actor.StartsWith(query.Actor.Trim(), StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(e => e.At)
            .Take(query.Limit)];
    }

    internal static JobEntry FromRun(RunView r, DateTimeOffset now)
    {
        var state = r.State switch
        {
            RunStates.Succeeded => JobStates.Succeeded,
            RunStates.Failed => JobStates.Failed,
            RunStates.Cancelled => JobStates.Cancelled,
            _ => JobStates.Running, // queued or running: not over yet
        };
        var duration = r.StartedAt is { } s ? (r.FinishedAt ?? now) - s : (TimeSpan?)null;
        return new JobEntry(r.Kind, Title(r.Kind), state, r.State, r.Actor, r.StartedAt ?? r.CreatedAt, duration, RunPage.Href(r.Id), r.Error);
    }

    internal static JobEntry FromAudit(AuditEntry a)
    {
        var kind = a.Action.StartsWith("maintenance.", StringComparison.Ordinal) ? "maintenance" : "container";
        var title = a.Action switch
        {
            "maintenance.enable" => "Maintenance page on",
            "maintenance.disable" => "Maintenance page off",
            "maintenance.window.create" => "Maintenance window planned",
            "maintenance.window.cancel" => "Maintenance window cancelled",
            _ when kind == "container" => $"Container {a.Action["container.".Length..]}",
            _ => a.Action,
        };
        var state = a.Outcome == "succeeded" ? JobStates.Succeeded : JobStates.Failed;
        var detail = string.Join(" · ", new[] { a.Target, a.Details }.Where(s => !string.IsNullOrEmpty(s)));
        return new JobEntry(kind, title, state, a.Outcome, a.Actor, a.At, a.DurationMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
            kind == "maintenance" ? "/maintenance" : "/topology", detail);
    }

    internal static JobEntry FromDelivery(AlertDelivery d)
    {
        var state = d.Outcome == DeliveryOutcomes.Sent ? JobStates.Succeeded : JobStates.Failed;
        var detail = $"{d.Check} on {d.Target} to {d.Channel} ({d.Kind}{(d.Attempt > 1 ? $", attempt {d.Attempt}" : "")})" + (d.Reason is { Length: > 0 } r ? $": {r}" : "");
        return new JobEntry("alert", $"Alert {d.Event}", state, d.Outcome, "console", d.At, null, "/settings", detail);
    }

    private static string Title(string kind) => kind switch
    {
        "backup" => "Backup",
        "restore" => "Restore",
        "drill" => "Restore drill",
        "upgrade" => "Upgrade",
        "stack" => "Stack operation",
        "recreate" => "Image update",
        _ => kind,
    };
}
