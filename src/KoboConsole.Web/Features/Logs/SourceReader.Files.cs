using System.Text;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Logs;

// Log files inside a container, followed by `tail -F` through Docker exec.
internal sealed partial class SourceReader
{
    /// <summary>
    /// <c>tail -F</c> in the background; the shell waits on its stdin, which Docker closes when we
    /// drop the connection, and then kills tail, so no exec outlives its last viewer.
    /// </summary>
    internal static IReadOnlyList<string> FollowCommand(string file, int tail) =>
        ["sh", "-c", "tail -n \"$1\" -F \"$0\" 2>/dev/null & p=$!; read -r _; kill $p", file, tail.ToString(System.Globalization.CultureInfo.InvariantCulture)];

    private async Task FollowFileAsync(CancellationToken cancellationToken)
    {
        var spec = new ExecSpec { Cmd = FollowCommand(source.File!, 0), AttachStdin = true };
        await using var session = await engine.StartExecAsync(_target, spec, cancellationToken);
        var stream = source.FileStream!;
        var target = source with { ContainerId = _target };
        await using var lines = new LineSplitter(text => Publish(LogItem.FromFile(target, stream, text, time.GetUtcNow())));
        await session.ReadOutputAsync(lines, 4096, cancellationToken);
    }
}

/// <summary>A write-only stream that calls back once per complete UTF-8 line (cut at 16 KiB).</summary>
internal sealed class LineSplitter(Action<string> onLine) : Stream
{
    public const int MaxLineBytes = 16 * 1024;
    private readonly MemoryStream _pending = new();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var newline = buffer.IndexOf((byte)'\n');
            var piece = newline < 0 ? buffer : buffer[..newline];
            var room = MaxLineBytes - (int)_pending.Length;
            _pending.Write(piece.Length > room ? piece[..Math.Max(room, 0)] : piece);
            if (newline < 0)
            {
                return;
            }

            Emit();
            buffer = buffer[(newline + 1)..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Emit()
    {
        var bytes = _pending.GetBuffer().AsSpan(0, (int)_pending.Length);
        if (!bytes.IsEmpty && bytes[^1] == (byte)'\r')
        {
            bytes = bytes[..^1];
        }

        onLine(Encoding.UTF8.GetString(bytes));
        _pending.SetLength(0);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _pending.Dispose();
        }

        base.Dispose(disposing);
    }
}
