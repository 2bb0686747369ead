using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Backups.Schedules;
using KoboConsole.Web.Features.Drills;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.Docker;
using KoboConsole.Web.Infrastructure.ObjectStorage;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Checks;

/// <summary>
/// Data protection, from the rules the backups and restores pages already apply: the staleness
/// rule per scheduled store and target, the drill proof per store (<c>Drills:MaxAgeDays</c>), and
/// catalog entries whose file or object is gone.
/// </summary>
public sealed class DataChecks(BackupCatalog catalog, BackupSchedules schedules, RunStore runs, IOptionsMonitor<DrillsOptions> drills, BackupTargetResolver targets)
{
    public async Task<IReadOnlyList<CheckResult>> RunAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var results = new List<CheckResult>();
        var listed = await schedules.ListAsync(cancellationToken);
        try
        {
            var entries = await catalog.ListAsync(null, null, cancellationToken);
            results.AddRange(BackupAge(listed, entries, now));
            results.AddRange(Catalog(entries));
        }
        catch (Exception ex) when (ex is BackupItemException or IOException or UnauthorizedAccessException or DockerException)
        {
            results.Add(new CheckResult(CheckKinds.Catalog, "all", CheckStates.Unknown, $"The backup targets cannot be listed: {ex.Message} Open the backups page for details."));
        }

        var drillRuns = await runs.ListAsync(DrillRunner.Kind, 100, cancellationToken);
        results.AddRange(Drills(DrillStatus.Evaluate(drillRuns, now, TimeSpan.FromDays(drills.CurrentValue.MaxAgeDays)), drills.CurrentValue.MaxAgeDays));
        if (targets.S3Configured)
        {
            try
            {
                using var store = targets.CreateS3();
                results.Add(await S3Async(store, cancellationToken));
            }
            catch (BackupItemException ex)
            {
                results.Add(new CheckResult(CheckKinds.Console, "s3", CheckStates.Failing, $"The S3 target cannot be set up: {ex.Message} Check KoboConsole:Backups:S3."));
            }
        }

        return results;
    }

    /// <summary>The S3 target takes a write: the store's probe puts, reads back and deletes a small object.</summary>
    public static async Task<CheckResult> S3Async(IObjectStore store, CancellationToken cancellationToken)
    {
        try
        {
            await store.ProbeAsync(cancellationToken);
            return new CheckResult(CheckKinds.Console, "s3", CheckStates.Ok, $"The S3 target {store.Description} takes, returns and deletes an object.");
        }
        catch (ObjectStoreException ex)
        {
            return new CheckResult(CheckKinds.Console, "s3", CheckStates.Failing,
                $"The S3 target {store.Description} fails: {ex.Message} Backups to s3 will fail: check the endpoint, bucket and credentials (KoboConsole:Backups:S3).");
        }
    }

    public static IEnumerable<CheckResult> BackupAge(IReadOnlyList<BackupSchedule> schedules, IReadOnlyList<BackupEntry> catalog, DateTimeOffset now)
    {
        var stale = Staleness.Find(schedules, catalog, now);
        var covered = schedules.Where(s => s.Enabled).SelectMany(s => s.Stores.Select(store => (Store: store, s.Target))).Distinct();
        foreach (var (store, target) in covered)
        {
            var id = $"{store}@{target}";
            if (stale.FirstOrDefault(s => s.Store == store && s.Target == target) is { } s)
            {
                yield return new CheckResult(CheckKinds.BackupAge, id, CheckStates.Failing, s.Message);
                continue;
            }

            var newest = catalog.Where(e => e.Store == store && e.Target == target && e.Origin == BackupEntry.ConsoleOrigin && !e.IsMissing).Select(e => (DateTimeOffset?)e.CreatedAt).Max();
            yield return new CheckResult(CheckKinds.BackupAge, id, CheckStates.Ok,
                newest is { } n ? $"The newest good {store} backup on {target} is from {n:yyyy-MM-dd HH:mm} UTC, as its schedule expects." : $"{store} on {target}: its schedule has not come round twice yet.");
        }
    }

    public static IEnumerable<CheckResult> Catalog(IReadOnlyList<BackupEntry> entries)
    {
        foreach (var group in entries.GroupBy(e => e.Target, StringComparer.Ordinal))
        {
            var missing = group.Where(e => e.IsMissing).OrderBy(e => e.MissingSince).ToList();
            yield return missing.Count == 0
                ? new CheckResult(CheckKinds.Catalog, group.Key, CheckStates.Ok, $"Every backup file the manifests on {group.Key} list is there.")
                : new CheckResult(CheckKinds.Catalog, group.Key, CheckStates.Failing,
                    $"{missing.Count} backup file(s) on {group.Key} are gone ({string.Join(", ", missing.Take(3).Select(m => m.Name))}{(missing.Count > 3 ? ", ..." : "")}), first noticed {missing[0].MissingSince:yyyy-MM-dd HH:mm} UTC. "
                    + "Something outside the console deleted them (kobo's cron, a cleanup, a lifecycle rule): find it, and run a backup now.");
        }
    }

    public static IEnumerable<CheckResult> Drills(IReadOnlyList<StoreProof> proofs, int maxAgeDays) => proofs.Select(p => p.Health switch
    {
        DrillHealth.Proven => new CheckResult(CheckKinds.Drill, p.Store, CheckStates.Ok, $"{p.Store} was proven restorable with the backup of {p.ProvenAt:yyyy-MM-dd HH:mm} UTC."),
        DrillHealth.Stale => new CheckResult(CheckKinds.Drill, p.Store, CheckStates.Warning,
            $"{p.Store} was last proven restorable with a backup of {p.ProvenAt:yyyy-MM-dd HH:mm} UTC, older than {maxAgeDays} days. Run a drill from the restores page."),
        DrillHealth.Failed => new CheckResult(CheckKinds.Drill, p.Store, CheckStates.Failing,
            $"The last {p.Store} drill ({p.LastDrillAt:yyyy-MM-dd HH:mm} UTC) failed: {p.LastError}. The backup may not restore: read the drill's log and fix it."),
        _ => new CheckResult(CheckKinds.Drill, p.Store, CheckStates.Unknown, $"No {p.Store} drill has succeeded yet, so no backup is proven restorable. Run a drill from the restores page."),
    });
}
