using System.Text;

namespace KoboConsole.Web.Infrastructure.Docker;

/// <summary>
/// Turns the chunks of one log stream into whole lines: a read can hold several lines or half
/// of one. Lines longer than <see cref="MaxLineBytes"/> keep their start and get a marker.
/// </summary>
internal sealed class LogLineAssembler(LogSource stream, bool timestamps)
{
    public const int MaxLineBytes = 16 * 1024;
    public const string CutMarker = " [… line cut at 16 KiB]";

    private readonly byte[] _line = new byte[MaxLineBytes];
    private int _length;
    private bool _cut;

    /// <summary>Adds a chunk; every line it completes goes to <paramref name="completed"/>.</summary>
    public void Append(ReadOnlySpan<byte> chunk, List<LogLine> completed)
    {
        while (!chunk.IsEmpty)
        {
            var newline = chunk.IndexOf((byte)'\n');
            Add(newline < 0 ? chunk : chunk[..newline]);
            if (newline < 0)
            {
                return;
            }

            completed.Add(Emit());
            chunk = chunk[(newline + 1)..];
        }
    }

    /// <summary>The unterminated last line when the stream ends, if any.</summary>
    public LogLine? Flush() => _length > 0 || _cut ? Emit() : null;

    private void Add(ReadOnlySpan<byte> piece)
    {
        if (_cut)
        {
            return;
        }

        var room = MaxLineBytes - _length;
        if (piece.Length > room)
        {
            piece = piece[..room];
            _cut = true;
        }

        piece.CopyTo(_line.AsSpan(_length));
        _length += piece.Length;
    }

    private LogLine Emit()
    {
        var span = _line.AsSpan(0, _length);
        if (!span.IsEmpty && span[^1] == (byte)'\r')
        {
            // TTY containers end lines with \r\n.
            span = span[..^1];
        }

        DateTimeOffset? timestamp = null;
        if (timestamps)
        {
            var space = span.IndexOf((byte)' ');
            var head = space < 0 ? span : span[..space];
            timestamp = DockerMapping.ParseDockerTime(Encoding.ASCII.GetString(head));
            if (timestamp is not null)
            {
                span = space < 0 ? [] : span[(space + 1)..];
            }
        }

        var text = Encoding.UTF8.GetString(span);
        if (_cut)
        {
            text += CutMarker;
        }

        _length = 0;
        _cut = false;
        return new LogLine(stream, timestamp, text);
    }
}
