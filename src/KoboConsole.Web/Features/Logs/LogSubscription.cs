using System.Threading.Channels;

namespace KoboConsole.Web.Features.Logs;

/// <summary>
/// One viewer's bounded buffer over one or more sources. The pump writes without ever waiting:
/// when the buffer is full the oldest line is dropped and counted, and the next batch the viewer
/// reads starts with a <c>gap</c> item saying how many it missed. Dispose to leave the sources.
/// </summary>
public sealed class LogSubscription : IDisposable
{
    public const int DefaultCapacity = 20_000;

    private readonly Channel<LogItem> _channel;
    private readonly Action<LogSubscription> _onDispose;
    private long _dropped;
    private long _totalDropped;
    private int _disposed;

    internal LogSubscription(IReadOnlyList<LogSourceKey> sources, int capacity, Action<LogSubscription> onDispose)
    {
        Sources = sources;
        _onDispose = onDispose;
        _channel = Channel.CreateBounded<LogItem>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    public IReadOnlyList<LogSourceKey> Sources { get; }

    /// <summary>Every line dropped for this viewer so far (reported in a gap item or about to be).</summary>
    public long TotalDropped => Interlocked.Read(ref _totalDropped) + Interlocked.Read(ref _dropped);

    /// <summary>Items waiting for the viewer right now; never more than the capacity.</summary>
    public int Buffered => _channel.Reader.Count;

    /// <summary>Never blocks: a full buffer drops its oldest item.</summary>
    internal void Publish(LogItem item) => _channel.Writer.TryWrite(item);

    /// <summary>
    /// Waits for at least one item (or the end), then returns what is buffered, up to
    /// <paramref name="max"/> items, sorted by timestamp; a <c>gap</c> item comes first when lines were dropped.
    /// Empty when the subscription ended.
    /// </summary>
    public Task<IReadOnlyList<LogItem>> ReadBatchAsync(int max, CancellationToken cancellationToken) =>
        ReadBatchAsync(max, TimeSpan.Zero, cancellationToken);

    /// <summary>
    /// As above; when fewer than a quarter of <paramref name="max"/> items wait, it first lets
    /// <paramref name="linger"/> pass so the lines of a busy source travel together: each batch
    /// costs a message (serialisation, framing, a send), so lines taken a few at a time cost many
    /// times more than lines taken by the hundred.
    /// </summary>
    public async Task<IReadOnlyList<LogItem>> ReadBatchAsync(int max, TimeSpan linger, CancellationToken cancellationToken)
    {
        if (!await _channel.Reader.WaitToReadAsync(cancellationToken))
        {
            return [];
        }

        if (linger > TimeSpan.Zero && _channel.Reader.Count < max / 4)
        {
            await Task.Delay(linger, cancellationToken);
        }

        var sorted = new List<LogItem>(Math.Min(max, _channel.Reader.Count));
        var ordered = true;
        DateTimeOffset? last = null;
        while (sorted.Count < max && _channel.Reader.TryRead(out var item))
        {
            if (!item.IsMarker)
            {
                ordered = ordered && (last is null || last <= item.Timestamp);
                last = item.Timestamp;
            }

            sorted.Add(item);
        }

        // Sources are read concurrently: order what arrived together by time (stable for equal times).
        if (!ordered)
        {
            sorted = SortByTime(sorted);
        }

        var dropped = Interlocked.Exchange(ref _dropped, 0);
        if (dropped > 0)
        {
            Interlocked.Add(ref _totalDropped, dropped);
            var first = sorted.Count > 0 ? sorted[0] : null;
            sorted.Insert(0, new LogItem(first?.Container ?? "", first?.ContainerName ?? "", first?.Timestamp ?? DateTimeOffset.UtcNow,
                LogItem.Gap, $"{dropped} lines skipped: this viewer read more slowly than the logs were written.", "warn"));
        }

        return sorted;
    }

    /// <summary>
    /// Lines by time, stable; a marker (restart, reconnect) is written at the console's time, so it
    /// keeps its place before the next line of its container that arrived after it.
    /// </summary>
    private static List<LogItem> SortByTime(List<LogItem> items)
    {
        var keys = new DateTimeOffset[items.Count];
        var next = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        for (var i = items.Count - 1; i >= 0; i--)
        {
            var item = items[i];
            if (item.IsMarker)
            {
                keys[i] = next.TryGetValue(item.Container, out var following) ? following : item.Timestamp;
            }
            else
            {
                keys[i] = item.Timestamp;
                next[item.Container] = item.Timestamp;
            }
        }

        return [.. Enumerable.Range(0, items.Count).OrderBy(i => keys[i]).Select(i => items[i])];
    }

    internal void Complete() => _channel.Writer.TryComplete();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Complete();
            _onDispose(this);
        }
    }
}
