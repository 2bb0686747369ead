using System.Globalization;
using System.Text;

namespace KoboConsole.Web.Features.Stack;

/// <summary>
/// A write-only pass-through that reads tar headers as the bytes go by and counts regular files
/// and their bytes (PAX sizes and GNU base-256 sizes included). The backup side records these in
/// the manifest; the restore side tallies the restored directory the same way to compare.
/// </summary>
public sealed class TarTallyStream(Stream? inner = null) : Stream
{
    private const int Block = 512;
    private readonly byte[] _header = new byte[Block];
    private readonly MemoryStream _pax = new();
    private int _headerFill;
    private long _skip;
    private long _paxLeft;
    private long? _paxSize;

    public long Files { get; private set; }

    public long Bytes { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Tallies a whole tar stream.</summary>
    public static async Task<(long Files, long Bytes)> CountAsync(Stream tar, CancellationToken cancellationToken)
    {
        await using var tally = new TarTallyStream();
        await tar.CopyToAsync(tally, 1 << 16, cancellationToken);
        return (tally.Files, tally.Bytes);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner?.Write(buffer);
        Consume(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (inner is not null)
        {
            await inner.WriteAsync(buffer, cancellationToken);
        }

        Consume(buffer.Span);
    }

    public override void Flush() => inner?.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner?.FlushAsync(cancellationToken) ?? Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Consume(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            if (_skip > 0)
            {
                var n = (int)Math.Min(_skip, data.Length);
                if (_paxLeft > 0)
                {
                    var p = (int)Math.Min(_paxLeft, n);
                    _pax.Write(data[..p]);
                    _paxLeft -= p;
                }

                _skip -= n;
                data = data[n..];
                if (_skip == 0 && _pax.Length > 0)
                {
                    _paxSize = PaxSize(_pax);
                    _pax.SetLength(0);
                }

                continue;
            }

            var take = Math.Min(Block - _headerFill, data.Length);
            data[..take].CopyTo(_header.AsSpan(_headerFill));
            _headerFill += take;
            data = data[take..];
            if (_headerFill == Block)
            {
                _headerFill = 0;
                OnHeader();
            }
        }
    }

    private void OnHeader()
    {
        if (_header.AsSpan().IndexOfAnyExcept((byte)0) < 0)
        {
            return; // end-of-archive blocks
        }

        var type = (char)_header[156];
        var size = Size(_header.AsSpan(124, 12));
        var padded = (size + Block - 1) / Block * Block;
        switch (type)
        {
            case 'x':
                _paxLeft = Math.Min(size, 1 << 20);
                break;
            case '0' or '\0' or '7':
                size = _paxSize ?? size;
                padded = (size + Block - 1) / Block * Block;
                Files++;
                Bytes += size;
                _paxSize = null;
                break;
            default:
                if (type != 'L' && type != 'K' && type != 'g')
                {
                    _paxSize = null;
                }

                break;
        }

        _skip = padded;
    }

    private static long Size(ReadOnlySpan<byte> field)
    {
        if ((field[0] & 0x80) != 0)
        {
            long v = field[0] & 0x7f;
            foreach (var b in field[1..])
            {
                v = (v << 8) | b;
            }

            return v;
        }

        var text = Encoding.ASCII.GetString(field).Trim('\0', ' ');
        return text.Length == 0 ? 0 : Convert.ToInt64(text, 8);
    }

    private static long? PaxSize(MemoryStream pax)
    {
        foreach (var record in Encoding.UTF8.GetString(pax.GetBuffer(), 0, (int)pax.Length).Split('\n'))
        {
            var eq = record.IndexOf(" size=", StringComparison.Ordinal);
            if (eq > 0 && long.TryParse(record[(eq + 6)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
            {
                return v;
            }
        }

        return null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _pax.Dispose();
        }

        base.Dispose(disposing);
    }
}
