using Amazon.S3;
using Amazon.S3.Model;

namespace KoboConsole.Web.Infrastructure.ObjectStorage;

/// <summary>
/// A multipart upload fed by writes: a part is sent while the next one fills, so its buffers stay
/// at two parts whatever the object's size. The two buffers are reused for every part of the upload
/// and come from <see cref="PartBuffers"/>, so the next upload of the run (the next database, the
/// manifest) reuses them instead of adding a pair to the large object heap. (Not from
/// <c>ArrayPool.Shared</c>, whose per-thread caches can strand arrays returned on another pool
/// thread.) Disposed without <see cref="CompleteAsync"/>, it aborts the upload so no parts are left
/// (and billed) in the bucket.
/// </summary>
internal sealed class S3Upload : IObjectUpload
{
    private readonly S3ObjectStore _store;
    private readonly IAmazonS3 _client;
    private readonly string _key;
    private readonly string _uploadId;
    private readonly int _partSize;
    private readonly List<PartETag> _parts = [];
    private readonly byte[]?[] _buffers = new byte[2][];
    private int _current;
    private int _filled;
    private int _partNumber;
    private Task? _pending;
    private bool _completed;

    public S3Upload(S3ObjectStore store, IAmazonS3 client, string key, string uploadId, int partSize)
    {
        _store = store;
        _client = client;
        _key = key;
        _uploadId = uploadId;
        _partSize = partSize;
        Stream = new WriteOnlyStream(WriteAsync);
    }

    public Stream Stream { get; }

    public string UploadId => _uploadId;

    // Allocated on first use: an upload of a few bytes (a manifest) needs one buffer, never two.
    private byte[] Buffer => _buffers[_current] ??= PartBuffers.Rent(_partSize);

    public async Task<long> CompleteAsync(CancellationToken cancellationToken)
    {
        if (_filled > 0 || _partNumber == 0)
        {
            await SendPartAsync(cancellationToken);
        }

        await WaitPendingAsync();
        await _store.GuardAsync("complete a multipart upload", () => _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = _store.Bucket,
            Key = _key,
            UploadId = _uploadId,
            PartETags = [.. _parts.OrderBy(p => p.PartNumber)],
        }, cancellationToken));
        _completed = true;
        var head = await _store.GuardAsync("read the uploaded object's size", () => _client.GetObjectMetadataAsync(_store.Bucket, _key, cancellationToken));
        return head.ContentLength;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            try
            {
                await WaitPendingAsync();
            }
            catch (Exception ex) when (ex is ObjectStoreException or OperationCanceledException)
            {
                // The part failed or was cancelled; the abort below removes whatever arrived.
            }

            try
            {
                await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _store.Bucket, Key = _key, UploadId = _uploadId }, CancellationToken.None);
            }
            catch (Exception ex) when (ex is AmazonS3Exception or HttpRequestException or Amazon.Runtime.AmazonServiceException)
            {
                // The bucket's lifecycle rule for incomplete uploads is the last resort when S3 is gone.
            }
        }

        // No part is sending any more (its task was awaited above or in CompleteAsync).
        foreach (var buffer in _buffers)
        {
            if (buffer is not null)
            {
                PartBuffers.Return(buffer);
            }
        }

        _buffers[0] = _buffers[1] = null;
    }

    private async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (data.Length > 0)
        {
            var n = Math.Min(_partSize - _filled, data.Length);
            data.Span[..n].CopyTo(Buffer.AsSpan(_filled));
            _filled += n;
            data = data[n..];
            if (_filled == _partSize)
            {
                await SendPartAsync(cancellationToken);
            }
        }
    }

    private async Task SendPartAsync(CancellationToken cancellationToken)
    {
        // The other buffer is free once the part sent from it is done.
        await WaitPendingAsync();
        var buffer = Buffer;
        var length = _filled;
        var number = ++_partNumber;
        _current ^= 1;
        _filled = 0;
        // On another thread from the start: the SDK hashes and checksums the whole part (SigV4
        // payload hash, CRC32) before its first await, which would stall the read of the dump.
        _pending = Task.Run(() => UploadPartAsync(buffer, length, number, cancellationToken), cancellationToken);
    }

    private async Task UploadPartAsync(byte[] buffer, int length, int number, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(buffer, 0, length, writable: false);
        var response = await _store.GuardAsync($"upload part {number}", () => _client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = _store.Bucket,
            Key = _key,
            UploadId = _uploadId,
            PartNumber = number,
            PartSize = length,
            InputStream = content,
            UseChunkEncoding = _store.UseChunkEncoding,
        }, cancellationToken));
        _parts.Add(new PartETag(number, response.ETag));
    }

    private async Task WaitPendingAsync()
    {
        if (_pending is null)
        {
            return;
        }

        try
        {
            await _pending;
        }
        finally
        {
            _pending = null;
        }
    }
}
