namespace KoboConsole.Web.Features.Backups;

/// <summary>
/// Backups in a directory, kobo's layout (<c>&lt;root&gt;/postgres/...pg_dump</c>). Files are written
/// as <c>.partial</c>, fsynced and renamed when complete, so a crash never leaves a
/// complete-looking file; an existing backup is never overwritten.
/// </summary>
public sealed class DiskTarget(string root) : IBackupTarget
{
    private const int WriteBufferSize = 1 << 20;

    public string Kind => BackupTargets.Disk;

    public string Root => root;

    public Task<IBackupUpload> OpenAsync(string folder, string fileName, CancellationToken cancellationToken)
    {
        var dir = Path.Combine(root, folder);
        Directory.CreateDirectory(dir);
        var final = Path.Combine(dir, fileName);
        if (File.Exists(final))
        {
            throw new BackupItemException($"{folder}/{fileName} already exists in {root}; kobo's names have one-minute resolution, so start the next backup in a minute.");
        }

        var partial = final + BackupNames.PartialSuffix;
        // A large buffer: each flush of an async FileStream is a pwrite queued to the thread pool, and
        // with 64 KiB those hand-offs were a tenth of the console's CPU during a dump (docs/benchmarks.md).
        var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, WriteBufferSize, FileOptions.Asynchronous);
        return Task.FromResult<IBackupUpload>(new Upload(new WritebackStream(stream), partial, final, $"{folder}/{fileName}"));
    }

    public Task<IReadOnlyList<StoredFile>> ListAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(root))
        {
            return Task.FromResult<IReadOnlyList<StoredFile>>([]);
        }

        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(BackupNames.PartialSuffix, StringComparison.Ordinal))
            .Select(f => new FileInfo(f))
            .Select(f => new StoredFile(Path.GetRelativePath(root, f.FullName).Replace('\\', '/'), f.Length, f.LastWriteTimeUtc))
            .ToList();
        return Task.FromResult<IReadOnlyList<StoredFile>>(files);
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new FileStream(Path.Combine(root, key), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous));

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        File.Delete(Path.Combine(root, key));
        return Task.CompletedTask;
    }

    private sealed class Upload(WritebackStream stream, string partial, string final, string key) : IBackupUpload
    {
        private bool _completed;

        public Stream Stream => stream;

        public string Pending => BackupRunCleanup.DiskPrefix + partial;

        public async Task<string> CompleteAsync(long expectedBytes, CancellationToken cancellationToken)
        {
            await stream.FlushAsync(cancellationToken);
            stream.File.Flush(flushToDisk: true);
            var stored = stream.Length;
            await stream.DisposeAsync();
            if (stored != expectedBytes || new FileInfo(partial).Length != expectedBytes)
            {
                throw new BackupItemException($"the file holds {stored} bytes but {expectedBytes} were streamed; the disk lost data.");
            }

            File.Move(partial, final, overwrite: false);
            _completed = true;
            return key;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await stream.DisposeAsync();
            }
            catch (IOException)
            {
                // A full disk fails the final flush too; the partial file is removed below.
            }

            if (!_completed)
            {
                File.Delete(partial);
            }
        }
    }
}
