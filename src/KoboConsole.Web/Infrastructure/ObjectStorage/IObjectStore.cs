namespace KoboConsole.Web.Infrastructure.ObjectStorage;

/// <summary>An S3 bucket (AWS or S3-compatible) under a key prefix. Throws <see cref="ObjectStoreException"/>, never SDK exceptions.</summary>
public interface IObjectStore : IDisposable
{
    /// <summary>Bucket and endpoint, for messages (no credentials).</summary>
    string Description { get; }

    /// <summary>A multipart upload fed as a stream, one part buffered at a time; disposing it uncompleted aborts it.</summary>
    Task<IObjectUpload> StartUploadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Aborts a multipart upload another process started (found after a crash); no error when it is already gone.</summary>
    Task AbortUploadAsync(string key, string uploadId, CancellationToken cancellationToken);

    /// <summary>Multipart uploads started and neither completed nor aborted, under the prefix.</summary>
    Task<IReadOnlyList<string>> ListIncompleteUploadsAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredObject>> ListAsync(CancellationToken cancellationToken);

    Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Whether an object exists at <paramref name="key"/>.</summary>
    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken);

    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Puts, reads back and deletes a probe object; throws with the exact reason when a step fails.</summary>
    Task ProbeAsync(CancellationToken cancellationToken);
}

/// <summary>An object; <paramref name="Key"/> is relative to the configured prefix.</summary>
public sealed record StoredObject(string Key, long Size, DateTimeOffset LastModified);

public interface IObjectUpload : IAsyncDisposable
{
    Stream Stream { get; }

    string UploadId { get; }

    /// <summary>Uploads the last part, completes the upload and returns the size S3 reports for the object.</summary>
    Task<long> CompleteAsync(CancellationToken cancellationToken);
}

/// <summary>An S3 operation failed; the message says which and what to check.</summary>
public sealed class ObjectStoreException(string message, Exception? inner = null) : Exception(message, inner);
