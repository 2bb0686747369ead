using System.Text.Json;

namespace KoboConsole.Web.Features.Backups;

/// <summary>
/// Every backup a target holds: console-made ones from the manifests (with their hashes), and
/// files kobo's own scripts made, recognised by name. Partial files are never listed. A manifest's
/// file that is gone is listed as missing, with when the console first noticed.
/// </summary>
public sealed class BackupCatalog(BackupTargetResolver targets, MissingBackups missing)
{
    public async Task<IReadOnlyList<BackupEntry>> ListAsync(string? store, string? target, CancellationToken cancellationToken)
    {
        var readable = await targets.ReadableKindsAsync(cancellationToken);
        IReadOnlyList<string> kinds = target is null ? readable : readable.Contains(target) || target != BackupTargets.Kobo ? [target] : [];
        var entries = new List<BackupEntry>();
        foreach (var kind in kinds)
        {
            var resolved = await targets.GetAsync(kind, cancellationToken);
            using var dispose = resolved as IDisposable;
            var listed = await ListTargetAsync(resolved, cancellationToken, includeMissing: true);
            var noticed = await missing.RecordAsync(kind, listed.Where(e => e.IsMissing).ToList(), cancellationToken);
            entries.AddRange(listed.Select(e => e.IsMissing ? e with { MissingSince = noticed.GetValueOrDefault(e.Id) } : e));
        }

        return entries.Where(e => store is null || e.Store == store).OrderByDescending(e => e.CreatedAt).ThenBy(e => e.Name, StringComparer.Ordinal).ToList();
    }

    /// <param name="includeMissing">Also list manifest items whose file is gone (status missing); restores and retention leave them out.</param>
    public static async Task<IReadOnlyList<BackupEntry>> ListTargetAsync(IBackupTarget target, CancellationToken cancellationToken, bool includeMissing = false)
    {
        var files = await target.ListAsync(cancellationToken);
        var manifested = new Dictionary<string, (ManifestItem Item, string RunId)>(StringComparer.Ordinal);
        foreach (var file in files.Where(f => f.Folder == BackupManifest.Folder && f.FileName.EndsWith(".json", StringComparison.Ordinal)))
        {
            if (await ReadManifestAsync(target, file.Key, cancellationToken) is { } manifest)
            {
                foreach (var item in manifest.Items)
                {
                    manifested[item.Key] = (item, manifest.RunId);
                }
            }
        }

        var entries = new List<BackupEntry>();
        foreach (var file in files.Where(f => f.Folder != BackupManifest.Folder))
        {
            var id = BackupIds.Of(target.Kind, file.Key);
            if (manifested.TryGetValue(file.Key, out var m))
            {
                // A size that differs from the manifest's is shown as kobo-made: its hash is unknown.
                if (m.Item.SizeBytes == file.SizeBytes)
                {
                    entries.Add(new BackupEntry(id, m.Item.Store, target.Kind, file.FileName, file.SizeBytes, m.Item.FinishedAt, m.Item.Sha256, BackupEntry.ConsoleOrigin, m.RunId));
                    continue;
                }
            }

            if (BackupNames.Parse(file.FileName) is { } parsed)
            {
                entries.Add(new BackupEntry(id, parsed.Store, target.Kind, file.FileName, file.SizeBytes, parsed.CreatedAt, null, BackupEntry.KoboOrigin, null));
            }
        }

        if (includeMissing)
        {
            var present = files.Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
            entries.AddRange(manifested.Where(m => !present.Contains(m.Key)).Select(m => new BackupEntry(
                BackupIds.Of(target.Kind, m.Key), m.Value.Item.Store, target.Kind, m.Key[(m.Key.LastIndexOf('/') + 1)..], m.Value.Item.SizeBytes,
                m.Value.Item.FinishedAt, m.Value.Item.Sha256, BackupEntry.ConsoleOrigin, m.Value.RunId, BackupEntry.Missing)));
        }

        return entries;
    }

    /// <summary>The missing entries among <paramref name="ids"/> in <paramref name="target"/>: id → why it cannot be restored.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> MissingAsync(IBackupTarget target, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        (await ListTargetAsync(target, cancellationToken, includeMissing: true))
            .Where(e => e.IsMissing && ids.Contains(e.Id))
            .ToDictionary(e => e.Id, e => $"{e.Id} ({e.Name}) is missing: its manifest lists it but the {e.Target} target no longer holds the file; choose another backup", StringComparer.Ordinal);

    private static async Task<BackupManifest?> ReadManifestAsync(IBackupTarget target, string key, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await target.OpenReadAsync(key, cancellationToken);
            return await JsonSerializer.DeserializeAsync<BackupManifest>(stream, BackupManifest.Json, cancellationToken);
        }
        catch (JsonException)
        {
            // A damaged manifest: its files still show, as kobo-made (unverified).
            return null;
        }
    }
}
