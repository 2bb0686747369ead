using System.Text.Json;
using Hangfire;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Runs;

namespace KoboConsole.Web.Features.Drills;

/// <summary>Starts drill runs for the page, the API and the schedule: validates, records the run, queues the job, audits.</summary>
public sealed class DrillService(RunStore runs, IBackgroundJobClient jobs, AuditLog audit)
{
    /// <summary>The actor of scheduled drills in runs and the audit trail.</summary>
    public const string ScheduleActor = "schedule";

    /// <summary>Field errors (empty when the request is valid).</summary>
    public static Dictionary<string, string[]> Validate(StartDrillRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Stores is null || request.Stores.Count == 0)
        {
            errors["stores"] = [$"is required: one or more of {string.Join(", ", BackupStores.All)}."];
        }
        else if (request.Stores.FirstOrDefault(s => !BackupStores.All.Contains(s)) is { } unknown)
        {
            errors["stores"] = [$"'{(unknown.Length > 64 ? unknown[..64] + "…" : unknown)}' is not a store; use {string.Join(", ", BackupStores.All)}."];
        }

        return errors;
    }

    public async Task<string> StartAsync(IReadOnlyList<string> stores, string actor, CancellationToken cancellationToken)
    {
        var runId = await CreateAsync(stores, actor, cancellationToken);
        jobs.Enqueue<DrillJob>(j => j.RunAsync(runId, CancellationToken.None));
        return runId;
    }

    /// <summary>Records the run and audits it, without queuing (the scheduled job runs it in its own thread).</summary>
    public async Task<string> CreateAsync(IReadOnlyList<string> stores, string actor, CancellationToken cancellationToken)
    {
        var normalized = BackupStores.All.Where(stores.Contains).ToList();
        var runId = await runs.CreateAsync(DrillRunner.Kind, actor, JsonSerializer.Serialize(new StartDrillRequest(normalized), BackupManifest.Json), cancellationToken);
        await audit.WriteAsync(actor, "drill.start", $"drill run {runId}", "queued", $"stores {string.Join(", ", normalized)}", cancellationToken: cancellationToken);
        return runId;
    }
}
