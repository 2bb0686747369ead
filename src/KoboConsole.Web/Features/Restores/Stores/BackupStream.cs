using System.Security.Cryptography;
using KoboConsole.Web.Features.Backups;

namespace KoboConsole.Web.Features.Restores.Stores;

/// <summary>
/// A backup being read (disk or S3, console-made or kobo-made): a read-only pass-through that
/// counts bytes and computes SHA-256 as they go by, so nothing is held in memory and the hash
/// of exactly what was restored is known at the end. Dispose it to close the file or object.
/// </summary>
public sealed class BackupStream(Stream inner, string name) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private string? _sha256;

    public string Name => name;

    public long BytesRead { get; private set; }

    /// <summary>True once the underlying stream returned its end.</summary>
    public bool Ended { get; private set; }

    /// <summary>Lowercase hex SHA-256 of everything read; only after <see cref="Ended"/>.</summary>
    public string Sha256 => _sha256 ??= Ended
        ? Convert.ToHexStringLower(_hash.GetHashAndReset())
        : throw new InvalidOperationException("The hash is known only once the whole backup was read.");

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public static async Task<BackupStream> OpenAsync(IBackupTarget target, string key, CancellationToken cancellationToken)
    {
        try
        {
            return new BackupStream(await target.OpenReadAsync(key, cancellationToken), key);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or BackupItemException)
        {
            throw new RestoreStepException($"the backup {key} cannot be read from the {target.Kind} target: {ex.Message}", ex);
        }
    }

    /// <summary>Reads whatever is left (a restore tool may stop before the end) and hashes it.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        while (await ReadAsync(buffer, cancellationToken) > 0)
        {
        }
    }

    /// <summary>
    /// Throws unless the whole backup was read and matches the expected size and hash (when known):
    /// a file that changed after the pre-flight must not count as restored.
    /// </summary>
    public void EnsureIntact(long? expectedBytes, string? expectedSha256)
    {
        if (!Ended)
        {
            throw new RestoreStepException($"{name}: the restore stopped reading after {BytesRead} bytes; the backup was not fully consumed.");
        }

        if (expectedBytes is { } size && size != BytesRead)
        {
            throw new RestoreStepException($"{name}: {BytesRead} bytes were read but the manifest says {size}; the file changed after the pre-flight.");
        }

        if (expectedSha256 is { Length: > 0 } sha && !string.Equals(sha, Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new RestoreStepException($"{name}: the bytes read hash to {Sha256[..12]}… but the manifest says {sha[..Math.Min(12, sha.Length)]}…; the file changed after the pre-flight.");
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        Account(buffer[..n], buffer.Length);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken);
        Account(buffer.Span[..n], buffer.Length);
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        _hash.Dispose();
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Account(ReadOnlySpan<byte> data, int asked)
    {
        if (data.Length == 0)
        {
            Ended |= asked > 0;
            return;
        }

        _hash.AppendData(data);
        BytesRead += data.Length;
    }
}
