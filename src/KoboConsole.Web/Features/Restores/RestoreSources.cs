using System.Text.Json;
using KoboConsole.Web.Features.Backups;

namespace KoboConsole.Web.Features.Restores;

/// <summary>Finds backups by id in every configured target, with their keys and manifest entries.</summary>
public sealed class RestoreSources(BackupTargetResolver targets)
{
    /// <summary>A resolved backup and the target it lives in (the caller disposes the targets).</summary>
    /// <remarks><c>Missing</c> from <see cref="ResolveAsync"/> holds one sentence per id that cannot be used: unknown, or missing (its file gone).</remarks>
    public sealed record Found(RestoreItem Item, IBackupTarget Target);

    public async Task<(IReadOnlyList<Found> Found, IReadOnlyList<string> Missing, IReadOnlyList<IBackupTarget> Opened)> ResolveAsync(
        IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var opened = new List<IBackupTarget>();
        var found = new Dictionary<string, Found>(StringComparer.Ordinal);
        var kinds = await targets.ReadableKindsAsync(cancellationToken);
        foreach (var kind in kinds)
        {
            if (found.Count == ids.Count)
            {
                break;
            }

            var target = await targets.GetAsync(kind, cancellationToken);
            opened.Add(target);
            var files = await target.ListAsync(cancellationToken);
            var manifests = await ManifestsAsync(target, files, cancellationToken);
            var entries = await BackupCatalog.ListTargetAsync(target, cancellationToken);
            foreach (var entry in entries.Where(e => ids.Contains(e.Id, StringComparer.Ordinal)))
            {
                var file = files.First(f => BackupIds.Of(kind, f.Key) == entry.Id);
                var manifest = entry.Origin == BackupEntry.ConsoleOrigin ? manifests.GetValueOrDefault(file.Key) : default;
                var parsed = BackupNames.Parse(file.FileName);
                var database = manifest.Item?.Database ?? parsed?.Database;
                found[entry.Id] = new Found(new RestoreItem(entry, file.Key, manifest.Item, database, manifest.Domain ?? parsed?.Domain), target);
            }
        }

        // A missing entry (its file gone) says why instead of only "not in the catalog".
        var notFound = ids.Where(id => !found.ContainsKey(id)).ToList();
        var gone = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var target in notFound.Count > 0 ? opened : [])
        {
            foreach (var (id, why) in await BackupCatalog.MissingAsync(target, notFound, cancellationToken))
            {
                gone.TryAdd(id, why);
            }
        }

        var missing = notFound.Select(id => gone.GetValueOrDefault(id, $"{id} is not in the catalog")).ToList();
        return (ids.Where(found.ContainsKey).Select(id => found[id]).ToList(), missing, opened);
    }

    private static async Task<Dictionary<string, (ManifestItem? Item, string? Domain)>> ManifestsAsync(IBackupTarget target, IReadOnlyList<StoredFile> files, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, (ManifestItem?, string?)>(StringComparer.Ordinal);
        foreach (var file in files.Where(f => f.Folder == BackupManifest.Folder && f.FileName.EndsWith(".json", StringComparison.Ordinal)))
        {
            try
            {
                await using var stream = await target.OpenReadAsync(file.Key, cancellationToken);
                if (await JsonSerializer.DeserializeAsync<BackupManifest>(stream, BackupManifest.Json, cancellationToken) is { } manifest)
                {
                    foreach (var item in manifest.Items)
                    {
                        result[item.Key] = (item, manifest.Domain);
                    }
                }
            }
            catch (JsonException)
            {
                // A damaged manifest: the catalog lists its files as kobo-made (unverified), and so do we.
            }
        }

        return result;
    }
}
