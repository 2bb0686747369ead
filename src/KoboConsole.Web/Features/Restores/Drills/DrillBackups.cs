using System.Text.Json;
using KoboConsole.Web.Features.Backups;

namespace KoboConsole.Web.Features.Restores.Drills;

/// <summary>A backup the drill reads: where it lives, and its manifest item when the console made it.</summary>
internal sealed record DrillBackup(BackupEntry Entry, IBackupTarget Target, string Key, ManifestItem? Manifest);

/// <summary>Finds a catalog entry's file (by id) and its manifest item in its target.</summary>
internal static class DrillBackups
{
    public static async Task<DrillBackup> FindAsync(IBackupTarget target, BackupEntry entry, CancellationToken cancellationToken)
    {
        var files = await target.ListAsync(cancellationToken);
        var file = files.FirstOrDefault(f => BackupIds.Of(target.Kind, f.Key) == entry.Id)
            ?? throw new DrillException($"the backup {entry.Name} is no longer in the {entry.Target} target; it was deleted after the drill started. Drill again.");
        ManifestItem? item = null;
        if (entry.RunId is { } runId)
        {
            foreach (var manifest in files.Where(f => f.Folder == BackupManifest.Folder && f.FileName.EndsWith($"-{runId}.json", StringComparison.Ordinal)))
            {
                await using var stream = await target.OpenReadAsync(manifest.Key, cancellationToken);
                var read = await JsonSerializer.DeserializeAsync<BackupManifest>(stream, BackupManifest.Json, cancellationToken);
                item ??= read?.Items.FirstOrDefault(i => i.Key == file.Key);
            }
        }

        return new DrillBackup(entry, target, file.Key, item);
    }
}
