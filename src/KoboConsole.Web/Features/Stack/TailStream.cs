using System.Text;

namespace KoboConsole.Web.Features.Stack;

/// <summary>Keeps only the last bytes written (tools can be chatty; only the end matters).</summary>
internal sealed class TailStream(int max) : MemoryStream
{
    public string Text => Encoding.UTF8.GetString(GetBuffer(), 0, (int)Length);

    // MemoryStream's span overloads call back into the array one in derived types: only that one writes.
    public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);

    public override void Write(byte[] buffer, int offset, int count)
    {
        base.Write(buffer, offset, count);
        Trim();
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer, offset, count);
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    private void Trim()
    {
        if (Length <= 2L * max)
        {
            return;
        }

        var data = GetBuffer();
        Buffer.BlockCopy(data, (int)Length - max, data, 0, max);
        SetLength(max);
    }
}
