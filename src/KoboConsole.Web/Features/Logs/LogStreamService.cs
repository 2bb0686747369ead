using System.Globalization;
using System.Runtime.CompilerServices;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Logs;

/// <summary>
/// What a viewer gets: notices about the request, the history (tail/since) of every source merged
/// by timestamp, then (with follow) live batches from the shared pump, filtered on the server.
/// Used by the hub, the REST tail and the page alike.
/// </summary>
public sealed class LogStreamService(LogSources sources, LogPump pump, IDockerHosts hosts, IOptionsMonitor<LogsOptions> options, TimeProvider time)
{
    public const int MaxBatch = 2_000;

    /// <summary>How long a live batch may wait for more lines when few are there (see <see cref="LogSubscription.ReadBatchAsync(int, TimeSpan, CancellationToken)"/>).</summary>
    public static readonly TimeSpan BatchLinger = TimeSpan.FromMilliseconds(20);

    /// <summary>Checks the request and finds its sources; throws <see cref="LogRequestException"/> with what to fix.</summary>
    public async Task<LogPlan> PrepareAsync(LogStreamRequest request, CancellationToken cancellationToken)
    {
        var containers = await sources.ResolveContainersAsync(request.Containers, cancellationToken);
        var keys = await sources.SourcesOfAsync(containers, request.Files, cancellationToken);
        var notices = new List<LogItem>();
        var tail = ClampTail(request.Tail, out var clampNote);
        if (clampNote is not null)
        {
            notices.Add(LogItem.Marker(keys[0], LogItem.Notice, clampNote, time.GetUtcNow()));
        }

        var filter = LogFilter.Create(request.Filter, request.Exclude, request.Regex, request.MatchCase,
            TimeSpan.FromMilliseconds(options.CurrentValue.RegexBudgetMillisecondsPerSecond));
        if (filter.Problem is not null)
        {
            notices.Add(LogItem.Marker(keys[0], LogItem.Notice, filter.Problem, time.GetUtcNow()));
        }

        return new LogPlan(request, keys, tail, filter, notices);
    }

    public async IAsyncEnumerable<IReadOnlyList<LogItem>> StreamAsync(LogPlan prepared, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (request, keys, tail, filter, notices) = (prepared.Request, prepared.Sources, prepared.Tail, prepared.Filter, prepared.Notices.ToList());
        var first = keys[0];
        // Subscribe before reading history, so nothing written in between is lost; the overlap is skipped.
        using var live = request.Follow ? pump.Subscribe(keys, options.CurrentValue.ViewerBuffer) : null;
        var history = await ReadHistoryAsync(keys, tail, request.Since, cancellationToken);
        var seen = history.GroupBy(i => i.Stream == "stderr" ? (i.Container, "stdout") : (i.Container, i.Stream))
            .ToDictionary(g => g.Key, g => g.Max(i => i.Timestamp));
        var shown = history.Where(i => filter.Matches(i.Text)).ToList();
        notices.AddRange(TimeoutNotice(filter, first));
        if (notices.Count > 0)
        {
            yield return notices;
        }

        foreach (var chunk in shown.Chunk(MaxBatch))
        {
            yield return chunk;
        }

        if (filter.OverBudget)
        {
            yield return [OverBudgetNotice(filter, first)];
            yield break;
        }

        if (live is null)
        {
            yield break;
        }

        while (true)
        {
            var batch = await live.ReadBatchAsync(MaxBatch, BatchLinger, cancellationToken);
            if (batch.Count == 0)
            {
                yield break;
            }

            var kept = batch.Where(i => i.IsMarker || (!IsInHistory(i, seen) && filter.Matches(i.Text))).ToList();
            kept.AddRange(TimeoutNotice(filter, first));
            if (filter.OverBudget)
            {
                kept.Add(OverBudgetNotice(filter, first));
                yield return kept;
                yield break;
            }

            if (kept.Count > 0)
            {
                yield return kept;
            }
        }
    }

    /// <summary>The text of the notice that ends a stream whose regex costs more than its budget.</summary>
    public static string OverBudgetText(double budgetMsPerSecond) => string.Create(CultureInfo.InvariantCulture,
        $"The filter is too expensive: its regex used more than {budgetMsPerSecond:0} ms per second of matching on this stream, so the stream stopped. Simplify the pattern (avoid nested repeats like (a+)+) or turn regex off, then start again.");

    private static LogItem OverBudgetNotice(LogFilter filter, LogSourceKey first) =>
        LogItem.Marker(first, LogItem.Notice, OverBudgetText(filter.BudgetMillisecondsPerSecond), DateTimeOffset.UtcNow);

    /// <summary>Tail default 200, at most 10 000; the note says when a larger ask was cut.</summary>
    public static int ClampTail(int? tail, out string? note)
    {
        note = null;
        var value = tail ?? LogStreamRequest.DefaultTail;
        if (value > LogStreamRequest.MaxTail)
        {
            note = string.Create(CultureInfo.InvariantCulture, $"tail {value} is more than the maximum; showing the last {LogStreamRequest.MaxTail} lines per source.");
            return LogStreamRequest.MaxTail;
        }

        return Math.Max(value, 0);
    }

    private static IEnumerable<LogItem> TimeoutNotice(LogFilter filter, LogSourceKey first)
    {
        var timeouts = filter.TakeTimeouts();
        if (timeouts > 0)
        {
            yield return LogItem.Marker(first, LogItem.Notice,
                $"The regex took longer than {LogFilter.MatchTimeout.TotalMilliseconds:0} ms on {timeouts} lines, which were left out; simplify the pattern (avoid nested repeats like (a+)+).",
                DateTimeOffset.UtcNow);
        }
    }

    private static bool IsInHistory(LogItem item, Dictionary<(string, string), DateTimeOffset> seen) =>
        !item.Stream.StartsWith("file:", StringComparison.Ordinal)
        && seen.TryGetValue((item.Container, "stdout"), out var last) && item.Timestamp <= last;

    private async Task<List<LogItem>> ReadHistoryAsync(IReadOnlyList<LogSourceKey> keys, int tail, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        if (tail == 0 && since is null)
        {
            return [];
        }

        var perSource = await Task.WhenAll(keys.Select(k => HistoryOrNoticeAsync(k, tail, since, cancellationToken)));
        // Stable merge by time: lines of one source keep their order when timestamps tie.
        return [.. perSource.SelectMany(l => l).OrderBy(i => i.Timestamp)];
    }

    /// <summary>One source's history; a Docker failure becomes a notice so the other sources still stream.</summary>
    private async Task<List<LogItem>> HistoryOrNoticeAsync(LogSourceKey key, int tail, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        try
        {
            return key.File is null
                ? await ReadOutputHistoryAsync(key, tail, since, cancellationToken)
                : await ReadFileHistoryAsync(key, tail, cancellationToken);
        }
        catch (DockerException ex)
        {
            return [LogItem.Marker(key, LogItem.Notice, $"The earlier lines of {key.ContainerName}{(key.File is null ? "" : " " + key.FileStream)} could not be read ({ex.Message}); following goes on.", time.GetUtcNow())];
        }
    }

    private async Task<List<LogItem>> ReadOutputHistoryAsync(LogSourceKey key, int tail, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        var items = new List<LogItem>();
        var query = new LogQuery { Follow = false, Timestamps = true, Tail = tail, Since = since };
        await foreach (var line in hosts.Get(key.Host).ReadLogsAsync(key.ContainerId, query, cancellationToken))
        {
            var stream = line.Stream == LogSource.Stderr ? "stderr" : "stdout";
            items.Add(new LogItem(key.ContainerId, key.ContainerName, line.Timestamp ?? time.GetUtcNow(), stream, line.Text, LevelDetector.Detect(line.Text, stream)));
        }

        return items;
    }

    private async Task<List<LogItem>> ReadFileHistoryAsync(LogSourceKey key, int tail, CancellationToken cancellationToken)
    {
        if (tail == 0)
        {
            return [];
        }

        var result = await hosts.Get(key.Host).ExecAsync(key.ContainerId, ["tail", "-n", tail.ToString(CultureInfo.InvariantCulture), key.File!], cancellationToken);
        var at = time.GetUtcNow();
        var stream = key.FileStream!;
        return [.. result.Stdout.Split('\n').SkipLast(1).Select(t => LogItem.FromFile(key, stream, t.TrimEnd('\r'), at))];
    }
}

/// <summary>A checked request: its sources, the clamped tail, the filter and the notices to send first.</summary>
public sealed record LogPlan(LogStreamRequest Request, IReadOnlyList<LogSourceKey> Sources, int Tail, LogFilter Filter, IReadOnlyList<LogItem> Notices);
