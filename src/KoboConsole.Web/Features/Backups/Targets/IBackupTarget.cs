namespace KoboConsole.Web.Features.Backups;

/// <summary>Where backups go: a directory (kobo's <c>backups/&lt;service&gt;/</c> layout) or an S3 bucket.</summary>
public interface IBackupTarget
{
    string Kind { get; }

    /// <summary>Starts writing <paramref name="fileName"/> under <paramref name="folder"/>; nothing looks complete until <see cref="IBackupUpload.CompleteAsync"/>.</summary>
    Task<IBackupUpload> OpenAsync(string folder, string fileName, CancellationToken cancellationToken);

    /// <summary>Lists every file the target holds (manifests included), for the catalog and retention.</summary>
    Task<IReadOnlyList<StoredFile>> ListAsync(CancellationToken cancellationToken);

    Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken);

    Task DeleteAsync(string key, CancellationToken cancellationToken);
}

/// <summary>A file in a target: <paramref name="Key"/> is <c>&lt;folder&gt;/&lt;name&gt;</c>.</summary>
public sealed record StoredFile(string Key, long SizeBytes, DateTimeOffset ModifiedAt)
{
    public string Folder => Key.Contains('/', StringComparison.Ordinal) ? Key[..Key.LastIndexOf('/')] : "";

    public string FileName => Key[(Key.LastIndexOf('/') + 1)..];
}

/// <summary>
/// One file being written. Disposing it without <see cref="CompleteAsync"/> removes what was
/// written (the partial file, or aborts the multipart upload).
/// </summary>
public interface IBackupUpload : IAsyncDisposable
{
    Stream Stream { get; }

    /// <summary>What to remove if the process dies before this upload ends (<c>disk:&lt;path&gt;</c>, <c>s3:&lt;upload id&gt; &lt;key&gt;</c>); see <see cref="BackupRunCleanup"/>.</summary>
    string Pending { get; }

    /// <summary>
    /// Makes the file durable and visible under its final name after checking that the stored
    /// size equals <paramref name="expectedBytes"/>; returns its key.
    /// </summary>
    Task<string> CompleteAsync(long expectedBytes, CancellationToken cancellationToken);
}
