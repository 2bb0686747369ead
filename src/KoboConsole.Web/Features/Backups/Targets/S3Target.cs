using KoboConsole.Web.Infrastructure.ObjectStorage;

namespace KoboConsole.Web.Features.Backups;

/// <summary>
/// Backups in an S3 bucket with kobo's key layout, <c>&lt;service&gt;/&lt;tier&gt;/&lt;name&gt;</c>, so
/// kobo's own S3 backups show up in the catalog and kobo's tools find ours. Manifests go to
/// <c>manifests/</c>. Streams as a multipart upload, aborted when the item fails.
/// </summary>
public sealed class S3Target(IObjectStore store, TimeProvider time) : IBackupTarget, IDisposable
{
    public string Kind => BackupTargets.S3;

    public IObjectStore Store => store;

    /// <summary>kobo's tiers: yearly on 1 January, monthly on the 1st, weekly on Sundays, else daily (UTC).</summary>
    public static string TierOf(DateTimeOffset at) => at.UtcDateTime switch
    {
        { Month: 1, Day: 1 } => "yearly",
        { Day: 1 } => "monthly",
        { DayOfWeek: DayOfWeek.Sunday } => "weekly",
        _ => "daily",
    };

    public async Task<IBackupUpload> OpenAsync(string folder, string fileName, CancellationToken cancellationToken)
    {
        var key = folder == BackupManifest.Folder ? $"{folder}/{fileName}" : $"{folder}/{TierOf(time.GetUtcNow())}/{fileName}";
        // S3 would silently replace a complete backup (and break its manifest's hash); the disk target refuses likewise.
        if (await Guard(() => store.ExistsAsync(key, cancellationToken)))
        {
            throw new BackupItemException($"{key} already exists in {store.Description}; kobo's names have one-minute resolution, so start the next backup in a minute.");
        }

        var upload = await Guard(() => store.StartUploadAsync(key, cancellationToken));
        return new Upload(upload, key, store.Description);
    }

    public async Task<IReadOnlyList<StoredFile>> ListAsync(CancellationToken cancellationToken) =>
        (await Guard(() => store.ListAsync(cancellationToken))).Select(o => new StoredFile(o.Key, o.Size, o.LastModified)).ToList();

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) => Guard(() => store.OpenReadAsync(key, cancellationToken));

    public Task DeleteAsync(string key, CancellationToken cancellationToken) => Guard(async () =>
    {
        await store.DeleteAsync(key, cancellationToken);
        return true;
    });

    /// <summary>Puts, reads back and deletes a probe object; the exact failure when a step fails.</summary>
    public Task ProbeAsync(CancellationToken cancellationToken) => Guard(async () =>
    {
        await store.ProbeAsync(cancellationToken);
        return true;
    });

    public void Dispose() => store.Dispose();

    private static async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ObjectStoreException ex)
        {
            throw new BackupItemException(ex.Message, ex);
        }
    }

    private sealed class Upload(IObjectUpload upload, string key, string description) : IBackupUpload
    {
        public Stream Stream => upload.Stream;

        public string Pending => $"{BackupRunCleanup.S3Prefix}{upload.UploadId} {key}";

        public async Task<string> CompleteAsync(long expectedBytes, CancellationToken cancellationToken)
        {
            var stored = await Guard(() => upload.CompleteAsync(cancellationToken));
            return stored == expectedBytes
                ? key
                : throw new BackupItemException($"{description} stored {stored} bytes for {key} but {expectedBytes} were streamed.");
        }

        public ValueTask DisposeAsync() => upload.DisposeAsync();
    }
}
