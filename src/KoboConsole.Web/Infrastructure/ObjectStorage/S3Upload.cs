using System.Buffers;
using Amazon.S3;
using Amazon.S3.Model;

namespace KoboConsole.Web.Infrastructure.ObjectStorage;

/// <summary>
/// A multipart upload fed by writes: a part is sent while the next one fills, so memory stays at
/// two parts whatever the object's size. Disposed without <see cref="CompleteAsync"/>, it aborts
/// the upload so no parts are left (and billed) in the bucket.
/// </summary>
internal sealed class S3Upload : IObjectUpload
{
    private readonly S3ObjectStore _store;
    private readonly IAmazonS3 _client;
    private readonly string _key;
    private readonly string _uploadId;
    private readonly int _partSize;
    private readonly List<PartETag> _parts = [];
    private byte[] _buffer;
    private int _filled;
    private int _partNumber;
    private Task? _pending;
    private byte[]? _pendingBuffer;
    private bool _completed;

    public S3Upload(S3ObjectStore store, IAmazonS3 client, string key, string uploadId, int partSize)
    {
        _store = store;
        _client = client;
        _key = key;
        _uploadId = uploadId;
        _partSize = partSize;
        _buffer = ArrayPool<byte>.Shared.Rent(partSize);
        Stream = new WriteOnlyStream(WriteAsync);
    }

    public Stream Stream { get; }

    public string UploadId => _uploadId;

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
            catch (ObjectStoreException)
            {
                // The part failed; the abort below removes whatever arrived.
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

        ArrayPool<byte>.Shared.Return(_buffer);
    }

    private async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (data.Length > 0)
        {
            var n = Math.Min(_partSize - _filled, data.Length);
            data.Span[..n].CopyTo(_buffer.AsSpan(_filled));
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
        await WaitPendingAsync();
        var buffer = _buffer;
        var length = _filled;
        var number = ++_partNumber;
        _buffer = ArrayPool<byte>.Shared.Rent(_partSize);
        _filled = 0;
        _pendingBuffer = buffer;
        _pending = UploadPartAsync(buffer, length, number, cancellationToken);
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
            ArrayPool<byte>.Shared.Return(_pendingBuffer!);
            _pendingBuffer = null;
        }
    }
}
