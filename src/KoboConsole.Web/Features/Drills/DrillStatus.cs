using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Runs;

namespace KoboConsole.Web.Features.Drills;

public enum DrillHealth
{
    /// <summary>The last drill succeeded and its backup is recent enough.</summary>
    Proven,

    /// <summary>The last drill succeeded but its backup is older than KoboConsole:Drills:MaxAgeDays.</summary>
    Stale,

    /// <summary>The last finished drill of the store failed.</summary>
    Failed,

    /// <summary>No drill of the store ever succeeded.</summary>
    Never,

    /// <summary>The last drill found no backup of the store to restore: nothing was tested, nothing failed.</summary>
    NoBackup,
}

/// <summary>One store on the dashboard: "last proven restorable: &lt;time&gt; (backup &lt;name&gt;)".</summary>
public sealed record StoreProof(string Store, DrillHealth Health, DateTimeOffset? ProvenAt, string? Backup, DateTimeOffset? LastDrillAt, string? LastError)
{
    public bool IsRed => Health != DrillHealth.Proven;
}

/// <summary>Reads the drill history into one proof per store.</summary>
public static class DrillStatus
{
    /// <param name="drills">Drill runs, any order.</param>
    public static IReadOnlyList<StoreProof> Evaluate(IEnumerable<RunView> drills, DateTimeOffset now, TimeSpan maxAge)
    {
        var items = drills.SelectMany(r => r.Items.Select(i => (Item: i, At: i.FinishedAt ?? r.FinishedAt ?? r.CreatedAt)))
            .Where(x => x.Item.State is RunStates.Succeeded or RunStates.Failed)
            .OrderByDescending(x => x.At)
            .ToList();
        return BackupStores.All.Select(store =>
        {
            var ofStore = items.Where(x => x.Item.Store == store).ToList();
            var last = ofStore.FirstOrDefault();
            var proven = ofStore.FirstOrDefault(x => x.Item.State == RunStates.Succeeded);
            DateTimeOffset? provenAt = proven.Item is null ? null : BackupTime(proven.Item.Name) ?? proven.At;
            var noBackup = last.Item is { State: RunStates.Failed } l && l.Error == DrillPlanner.NoBackup(store);
            var health = noBackup ? DrillHealth.NoBackup
                : last.Item is null || proven.Item is null ? (last.Item?.State == RunStates.Failed ? DrillHealth.Failed : DrillHealth.Never)
                : last.Item.State == RunStates.Failed ? DrillHealth.Failed
                : now - provenAt > maxAge ? DrillHealth.Stale
                : DrillHealth.Proven;
            return new StoreProof(store, health, provenAt, proven.Item?.Name, last.Item is null ? null : last.At,
                last.Item?.State == RunStates.Failed && !noBackup ? last.Item.Error : null);
        }).ToList();
    }

    /// <summary>The oldest backup time among the item's backups (a PostgreSQL drill restores one file per database).</summary>
    internal static DateTimeOffset? BackupTime(string names) =>
        names.Split(", ", StringSplitOptions.RemoveEmptyEntries).Select(n => BackupNames.Parse(n)?.CreatedAt).Where(t => t is not null).Min();
}
