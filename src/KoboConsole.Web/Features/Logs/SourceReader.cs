using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Logs;

/// <summary>
/// Follows one source for every subscribed viewer. Survives what containers and engines do: a
/// stopped container is waited for and, once started again, re-attached with <c>since</c> = the
/// last timestamp seen (lines already sent are skipped) after a "container restarted" notice;
/// an engine that stops answering gives one "reconnecting" notice and is retried every second.
/// </summary>
internal sealed partial class SourceReader(LogSourceKey source, IContainerEngine engine, ILogger logger, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<string> _textsAtLast = new(StringComparer.Ordinal);
    private LogSubscription[] _subscribers = [];
    private string _target = source.ContainerId;
    private bool _waitingForName;
    private DateTimeOffset? _last;
    private DateTimeOffset _attachedAt;

    /// <summary>Called under the pump's lock.</summary>
    public void Add(LogSubscription subscription) => _subscribers = [.. _subscribers, subscription];

    /// <summary>Called under the pump's lock; returns how many viewers remain.</summary>
    public int Remove(LogSubscription subscription)
    {
        _subscribers = [.. _subscribers.Where(s => s != subscription)];
        return _subscribers.Length;
    }

    public void Start() => _ = Task.Run(() => RunAsync(_stop.Token));

    public void Stop()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The reader already ended (its container was removed).
        }
    }

    public void Dispose() => _stop.Dispose();

    private void Publish(LogItem item)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.Publish(item);
        }
    }

    private void Notice(string text) => Publish(LogItem.Marker(source, LogItem.Notice, text, time.GetUtcNow()));

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset? startedAt = null;
        string? lost = null;
        _attachedAt = time.GetUtcNow();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    var details = await engine.InspectContainerAsync(_target, cancellationToken);
                    if (lost is not null)
                    {
                        Notice($"Docker host {source.Host} answers again: following resumed.");
                        lost = null;
                    }

                    if (!details.Running)
                    {
                        await Task.Delay(Poll, time, cancellationToken);
                        continue;
                    }

                    if (startedAt is not null && details.StartedAt != startedAt)
                    {
                        Notice("container restarted");
                    }

                    startedAt = details.StartedAt;
                    await (source.File is null ? FollowOutputAsync(cancellationToken) : FollowFileAsync(cancellationToken));
                    // The stream ended: the container stopped (or the engine cut it). Check again shortly.
                    await Task.Delay(Poll, time, cancellationToken);
                }
                catch (DockerUnreachableException ex)
                {
                    if (lost is null)
                    {
                        lost = ex.Message;
                        Log.Reconnecting(logger, source, ex.Message);
                        Notice($"reconnecting: Docker host {source.Host} does not answer; retrying every second.");
                    }

                    await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
                }
                catch (ContainerNotFoundException)
                {
                    // Compose recreates containers (new id, same name); so does a rebuilt engine.
                    if (lost is not null)
                    {
                        Notice($"Docker host {source.Host} answers again.");
                        lost = null;
                    }

                    await FindByNameAsync(cancellationToken);
                    startedAt = null;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A broken stream while the daemon goes down surfaces here first (the next inspect
                    // tells); anything else must not end a reader other viewers depend on either.
                    Log.ReaderFailed(logger, source, ex.Message);
                    await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The last viewer left.
        }
        finally
        {
            Dispose();
        }
    }

    private async Task FindByNameAsync(CancellationToken cancellationToken)
    {
        try
        {
            var details = await engine.InspectContainerAsync(source.ContainerName, cancellationToken);
            if (details.Id != _target)
            {
                _target = details.Id;
                _last = null;
                _textsAtLast.Clear();
                _attachedAt = details.Created;
                _waitingForName = false;
                Notice($"container recreated: following the new {source.ContainerName}.");
                return;
            }
        }
        catch (ContainerNotFoundException)
        {
            if (!_waitingForName)
            {
                _waitingForName = true;
                Notice($"The container was removed; waiting for a new container named {source.ContainerName}.");
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
    }

    private async Task FollowOutputAsync(CancellationToken cancellationToken)
    {
        // From the last line sent, or from when the first viewer came (its history covers what was
        // before); Docker's since is inclusive, so lines already sent are skipped below.
        var query = new LogQuery { Follow = true, Timestamps = true, Since = _last ?? _attachedAt };
        await foreach (var line in engine.ReadLogsAsync(_target, query, cancellationToken))
        {
            var at = line.Timestamp ?? time.GetUtcNow();
            if (IsRepeat(at, line.Text))
            {
                continue;
            }

            var stream = line.Stream == LogSource.Stderr ? "stderr" : "stdout";
            Publish(new LogItem(_target, source.ContainerName, at, stream, line.Text, LevelDetector.Detect(line.Text, stream)));
        }
    }

    /// <summary>True for a line at or before the last one sent (Docker's <c>since</c> is inclusive); remembers the others.</summary>
    private bool IsRepeat(DateTimeOffset at, string text)
    {
        if (_last is { } last)
        {
            if (at < last || (at == last && _textsAtLast.Contains(text)))
            {
                return true;
            }

            if (at > last)
            {
                _textsAtLast.Clear();
            }
        }

        _last = at;
        _textsAtLast.Add(text);
        return false;
    }
}
