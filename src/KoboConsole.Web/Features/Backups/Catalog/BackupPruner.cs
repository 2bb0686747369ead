using KoboConsole.Web.Features.Runs;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Backups;

/// <summary>
/// Applies <see cref="Retention"/> to a target: a dry-run preview for the page, and the real
/// prune, which the runner calls only after a successful run (and which refuses when recent runs failed).
/// </summary>
public sealed class BackupPruner(BackupTargetResolver targets, RunStore runs, IOptionsMonitor<RetentionOptions> options)
{
    public async Task<RetentionPlan> PreviewAsync(string targetKind, CancellationToken cancellationToken)
    {
        var target = await targets.GetAsync(targetKind, cancellationToken);
        using var dispose = target as IDisposable;
        return await PlanAsync(target, [], cancellationToken);
    }

    /// <summary>
    /// Deletes what the plan says, counting the run that just succeeded (still 'running' in the
    /// database) as the newest success of <paramref name="succeededStores"/>; returns the plan.
    /// </summary>
    public async Task<RetentionPlan> PruneAsync(IBackupTarget target, IReadOnlyList<string> succeededStores, CancellationToken cancellationToken)
    {
        var plan = await PlanAsync(target, succeededStores, cancellationToken);
        var files = await target.ListAsync(cancellationToken);
        foreach (var entry in plan.Delete)
        {
            if (files.FirstOrDefault(f => BackupIds.Of(target.Kind, f.Key) == entry.Id) is { } file)
            {
                await target.DeleteAsync(file.Key, cancellationToken);
            }
        }

        return plan;
    }

    private async Task<RetentionPlan> PlanAsync(IBackupTarget target, IReadOnlyList<string> current, CancellationToken cancellationToken)
    {
        var entries = await BackupCatalog.ListTargetAsync(target, cancellationToken);
        var recent = await runs.ListAsync(BackupRunner.Kind, 200, cancellationToken);
        var outcomes = current.Select(store => new RunOutcome(store, target.Kind, DateTimeOffset.UtcNow, true)).Concat(recent
            .Where(r => RunStates.IsFinished(r.State) && r.State != RunStates.Cancelled && TargetOf(r) == target.Kind)
            .SelectMany(r => r.Items.Select(i => i.Store).Distinct().Select(store => new RunOutcome(store, target.Kind, r.CreatedAt,
                r.Items.Where(i => i.Store == store).All(i => i.State == RunStates.Succeeded)))))
            .ToList();
        return Retention.Plan(entries, options.CurrentValue, outcomes);
    }

    // Parsed, not matched as text: requests are stored indented ("target": "s3"), which a substring
    // match missed, so every S3 run counted as a disk run (and S3 pruning waited for runs it never saw).
    private static string TargetOf(RunView run) => StartBackupRequest.Of(run.Request).Target ?? BackupTargets.Disk;
}
