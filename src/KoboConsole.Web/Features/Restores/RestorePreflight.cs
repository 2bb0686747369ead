using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Restores.Stores;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Restores;

/// <summary>
/// The checks before anything is touched: every backup exists and hashes to its manifest (kobo-made
/// ones need <c>acceptUnverified</c>), the target containers exist and run, the safety backup fits,
/// no backup or other restore holds the stores, and the backup's domain is the current one (a warning).
/// </summary>
public sealed class RestorePreflight(
    RestoreSources sources, RestoreContainers containers, BackupTargetResolver targets, Leases leases, IOptionsMonitor<RestoresOptions> options)
{
    public const string RestoreLease = "restore";

    /// <summary>Runs every check; <paramref name="log"/> receives progress lines (hashing can take a while).</summary>
    public async Task<RestorePlan> CheckAsync(IReadOnlyList<string> ids, bool safetyBackup, bool acceptUnverified, string? ownRunId,
        Func<string, CancellationToken, Task> log, CancellationToken cancellationToken)
    {
        var checks = new List<PreflightCheck>();
        // Each backup is resolved and hashed once, however often a caller names it.
        var (found, missing, opened) = await sources.ResolveAsync([.. ids.Distinct(StringComparer.Ordinal)], cancellationToken);
        try
        {
            checks.Add(missing.Count == 0
                ? new PreflightCheck("backups found", true, true, $"{found.Count} backup(s) found in the catalog.")
                : new PreflightCheck("backups found", false, true, $"cannot be restored: {string.Join("; ", missing)}. List backups with GET /api/v1/backups."));
            var items = found.Select(f => f.Item).ToList();
            foreach (var twice in items.GroupBy(i => i.Scope).Where(g => g.Count() > 1))
            {
                checks.Add(new PreflightCheck("one backup per store", false, true, $"{twice.Count()} backups would restore {twice.Key}; choose one."));
            }

            foreach (var f in found)
            {
                checks.Add(await IntegrityAsync(f, acceptUnverified, log, cancellationToken));
            }

            var snapshot = await containers.DiscoverAsync(cancellationToken);
            foreach (var item in items)
            {
                checks.Add(containers.Check(snapshot, item));
            }

            if (safetyBackup)
            {
                checks.Add(await FreeSpaceAsync(items, cancellationToken));
            }

            checks.AddRange(await LeaseChecksAsync(items, ownRunId, cancellationToken));
            var domain = await containers.PublicDomainAsync(snapshot, cancellationToken);
            foreach (var other in items.Where(i => i.BackupDomain is { Length: > 0 } d && domain is not null && d != domain))
            {
                checks.Add(new PreflightCheck("same domain", false, false,
                    $"{other.Entry.Name} was made on {other.BackupDomain}, this install is {domain}: after the restore, links stored in the data (media URLs, Enketo survey links) still name {other.BackupDomain}."));
            }

            var writers = snapshot.Containers.Where(c => KoboNames.Writers.Contains(c.Service) && c.Running).Select(c => c.Name).ToList();
            var phrase = domain ?? containers.BackendHostName(snapshot) ?? "kobo";
            return new RestorePlan(items, checks, domain, phrase, writers);
        }
        finally
        {
            foreach (var t in opened)
            {
                (t as IDisposable)?.Dispose();
            }
        }
    }

    private static async Task<PreflightCheck> IntegrityAsync(RestoreSources.Found f, bool acceptUnverified, Func<string, CancellationToken, Task> log, CancellationToken ct)
    {
        var item = f.Item;
        await log($"{item.Entry.Name}: reading {item.Entry.SizeBytes} bytes from the {f.Target.Kind} target to check its SHA-256.", ct);
        string sha;
        long bytes;
        try
        {
            await using var stream = await BackupStream.OpenAsync(f.Target, item.Key, ct);
            await stream.DrainAsync(ct);
            (sha, bytes) = (stream.Sha256, stream.BytesRead);
        }
        catch (RestoreStepException ex)
        {
            return new PreflightCheck($"integrity of {item.Entry.Name}", false, true, ex.Message);
        }

        if (item.Manifest is not { } m)
        {
            return acceptUnverified
                ? new PreflightCheck($"integrity of {item.Entry.Name}", true, false, $"made by kobo's own scripts: no manifest to check against (accepted as unverified); sha256 {sha}.")
                : new PreflightCheck($"integrity of {item.Entry.Name}", false, true,
                    $"made by kobo's own scripts: it has no manifest, so its integrity cannot be checked (sha256 now {sha[..12]}…). Send \"acceptUnverified\": true to restore it anyway.");
        }

        if (bytes != m.SizeBytes || !string.Equals(sha, m.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            return new PreflightCheck($"integrity of {item.Entry.Name}", false, true,
                $"the file holds {bytes} bytes hashing to {sha[..12]}… but the manifest says {m.SizeBytes} bytes, {m.Sha256[..Math.Min(12, m.Sha256.Length)]}…: it was changed or damaged. Choose another backup.");
        }

        return new PreflightCheck($"integrity of {item.Entry.Name}", true, true, $"{bytes} bytes, sha256 matches the manifest.");
    }

    private async Task<PreflightCheck> FreeSpaceAsync(IReadOnlyList<RestoreItem> items, CancellationToken ct)
    {
        // The current data is not measured (that would mean dumping it): a dump of it is assumed to be
        // at most 1.5 times the size of the backup that replaces it, plus a margin.
        var needed = (long)(items.Sum(i => i.Entry.SizeBytes) * 1.5) + (64L << 20);
        if (options.CurrentValue.SafetyTarget != BackupTargets.Disk)
        {
            return new PreflightCheck("space for the safety backup", true, false, $"the safety backup goes to {options.CurrentValue.SafetyTarget}; about {needed >> 20} MB.");
        }

        var root = await targets.DiskRootAsync(ct);
        var probe = root;
        while (!Directory.Exists(probe) && Path.GetDirectoryName(probe) is { } parent)
        {
            probe = parent;
        }

        var free = new DriveInfo(probe).AvailableFreeSpace;
        return free >= needed
            ? new PreflightCheck("space for the safety backup", true, true, $"{free >> 20} MB free in {root}; the safety backup needs about {needed >> 20} MB.")
            : new PreflightCheck("space for the safety backup", false, true,
                $"only {free >> 20} MB free in {root} but the safety backup needs about {needed >> 20} MB: free space, or skip the safety backup with a reason.");
    }

    private async Task<IReadOnlyList<PreflightCheck>> LeaseChecksAsync(IReadOnlyList<RestoreItem> items, string? ownRunId, CancellationToken ct)
    {
        var checks = new List<PreflightCheck>();
        var restore = await leases.GetHolderAsync(RestoreLease, ct);
        if (restore is not null && restore.Holder != RestoreRunner.HolderOf(ownRunId))
        {
            checks.Add(new PreflightCheck("no other restore", false, true, $"another restore runs ({restore.Holder}); wait for it to finish."));
        }

        foreach (var store in items.Select(i => i.Store).Distinct(StringComparer.Ordinal))
        {
            var backup = await leases.GetHolderAsync(BackupLeases.Of(store), ct);
            if (backup is not null && backup.Holder != RestoreRunner.HolderOf(ownRunId))
            {
                checks.Add(new PreflightCheck($"no {store} backup running", false, true, $"a {store} backup runs ({backup.Holder}); wait for it to finish."));
            }
        }

        return checks;
    }
}
