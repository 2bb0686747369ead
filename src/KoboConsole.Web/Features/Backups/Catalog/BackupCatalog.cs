using System.Text.Json;

namespace KoboConsole.Web.Features.Backups;

/// <summary>
/// Every backup a target holds: console-made ones from the manifests (with their hashes), and
/// files kobo's own scripts made, recognised by name. Partial files are never listed.
/// </summary>
public sealed class BackupCatalog(BackupTargetResolver targets)
{
    public async Task<IReadOnlyList<BackupEntry>> ListAsync(string? store, string? target, CancellationToken cancellationToken)
    {
        string[] kinds = target is not null ? [target] : targets.S3Configured ? [BackupTargets.Disk, BackupTargets.S3] : [BackupTargets.Disk];
        var entries = new List<BackupEntry>();
        foreach (var kind in kinds)
        {
            var resolved = await targets.GetAsync(kind, cancellationToken);
            using var dispose = resolved as IDisposable;
            entries.AddRange(await ListTargetAsync(resolved, cancellationToken));
        }

        return entries.Where(e => store is null || e.Store == store).OrderByDescending(e => e.CreatedAt).ThenBy(e => e.Name, StringComparer.Ordinal).ToList();
    }

    public static async Task<IReadOnlyList<BackupEntry>> ListTargetAsync(IBackupTarget target, CancellationToken cancellationToken)
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

        return entries;
    }

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
