namespace KoboConsole.Web.Features.Backups;

/// <summary>
/// kobo's own disk backups, read-only: the files kobo's cron leaves in
/// <c>&lt;kobo-docker&gt;/backups/{postgres,mongo,redis}</c>. The console restores and drills from
/// them but never writes, renames or deletes there (kobo's next cron run replaces them anyway);
/// its own backups live in <c>backups/console</c> (decision 0015).
/// </summary>
public sealed class KoboFolderTarget(string koboBackupsRoot) : IBackupTarget
{
    /// <summary>The folders kobo binds at /srv/backups in its postgres, mongo and redis containers.</summary>
    public static readonly IReadOnlyList<string> KoboFolders = ["postgres", "mongo", "redis"];

    public string Kind => BackupTargets.Kobo;

    public string Root => koboBackupsRoot;

    public Task<IBackupUpload> OpenAsync(string folder, string fileName, CancellationToken cancellationToken) =>
        throw new BackupItemException($"kobo's own backup folders ({koboBackupsRoot}) are read-only for the console: kobo's cron deletes backups there. Use target 'disk' or 's3'.");

    public Task<IReadOnlyList<StoredFile>> ListAsync(CancellationToken cancellationToken)
    {
        var files = new List<StoredFile>();
        foreach (var folder in KoboFolders)
        {
            var dir = Path.Combine(koboBackupsRoot, folder);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            // kobo writes its dumps straight into the folder; only names kobo's scripts make are listed by the catalog.
            files.AddRange(Directory.EnumerateFiles(dir).Select(f => new FileInfo(f))
                .Select(f => new StoredFile($"{folder}/{f.Name}", f.Length, f.LastWriteTimeUtc)));
        }

        return Task.FromResult<IReadOnlyList<StoredFile>>(files);
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var folder = key[..Math.Max(0, key.IndexOf('/', StringComparison.Ordinal))];
        var name = key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..];
        if (!KoboFolders.Contains(folder) || name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name.StartsWith('.'))
        {
            throw new BackupItemException($"'{key}' is not a file in kobo's backup folders.");
        }

        return Task.FromResult<Stream>(new FileStream(Path.Combine(koboBackupsRoot, folder, name), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.Asynchronous));
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        throw new BackupItemException("the console never deletes kobo's own backups; kobo's cron replaces them.");
}
