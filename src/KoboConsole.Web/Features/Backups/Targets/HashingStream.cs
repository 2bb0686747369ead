using System.Security.Cryptography;

namespace KoboConsole.Web.Features.Backups;

/// <summary>
/// A write-only pass-through that counts bytes, computes SHA-256 and remembers the first and
/// last bytes as they go by (format checks without reading the file again), and reports progress
/// at most every <paramref name="progressInterval"/>.
/// </summary>
public sealed class HashingStream(Stream inner, Func<long, CancellationToken, Task>? progress = null, TimeSpan? progressInterval = null) : Stream
{
    private const int EdgeBytes = 8;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _head = new byte[EdgeBytes];
    private readonly byte[] _tail = new byte[EdgeBytes];
    private readonly TimeSpan _interval = progressInterval ?? TimeSpan.FromMilliseconds(500);
    private long _lastReport = Environment.TickCount64;
    private string? _sha256;
    private Task? _progress;

    public long BytesWritten { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => BytesWritten;

    public override long Position { get => BytesWritten; set => throw new NotSupportedException(); }

    /// <summary>The first bytes written (up to 8).</summary>
    public ReadOnlySpan<byte> Head => _head.AsSpan(0, (int)Math.Min(BytesWritten, EdgeBytes));

    /// <summary>The last bytes written (up to 8).</summary>
    public ReadOnlySpan<byte> Tail => _tail.AsSpan(EdgeBytes - (int)Math.Min(BytesWritten, EdgeBytes));

    /// <summary>Lowercase hex SHA-256 of everything written; call once writing is over.</summary>
    public string Sha256 => _sha256 ??= Convert.ToHexStringLower(_hash.GetHashAndReset());

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        Account(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken);
        Account(buffer.Span);
        if (progress is not null && Environment.TickCount64 - _lastReport >= _interval.TotalMilliseconds && _progress is not { IsCompleted: false })
        {
            _lastReport = Environment.TickCount64;
            // The report (a database write) runs beside the stream, not in it: awaited here, every
            // report stalled the read of the dump for the length of a commit. A failed report still
            // fails the stream, at the next write.
            if (_progress is { } done)
            {
                await done;
            }

            var bytes = BytesWritten;
            _progress = Task.Run(() => progress(bytes, cancellationToken), cancellationToken);
        }
    }

    public override void Flush() => inner.Flush();

    /// <summary>Waits for a report still running as well, so no late progress follows the final state.</summary>
    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await inner.FlushAsync(cancellationToken);
        if (_progress is { } pending)
        {
            _progress = null;
            await pending;
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (_progress is { } pending)
        {
            await ((Task)pending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await base.DisposeAsync();
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Account(ReadOnlySpan<byte> data)
    {
        _hash.AppendData(data);
        if (BytesWritten < EdgeBytes)
        {
            var n = (int)Math.Min(EdgeBytes - BytesWritten, data.Length);
            data[..n].CopyTo(_head.AsSpan((int)BytesWritten));
        }

        if (data.Length >= EdgeBytes)
        {
            data[^EdgeBytes..].CopyTo(_tail);
        }
        else
        {
            Buffer.BlockCopy(_tail, data.Length, _tail, 0, EdgeBytes - data.Length);
            data.CopyTo(_tail.AsSpan(EdgeBytes - data.Length));
        }

        BytesWritten += data.Length;
    }
}
