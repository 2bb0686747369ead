namespace KoboConsole.Web.Infrastructure.Live;

/// <summary>
/// Something that changes and tells whoever follows it: the one way pages learn of changes
/// (decision 0031). A singleton publishes; a component follows with
/// <c>LiveComponent.Follow</c> and gets a disposable handle. The notification carries no data:
/// the follower reads the current state from the publisher.
/// </summary>
public interface ILiveFeed
{
    /// <summary>
    /// Calls <paramref name="onChange"/> (on any thread) after each change until the handle is
    /// disposed. The handler must not block or throw.
    /// </summary>
    IDisposable Subscribe(Action onChange);
}

/// <summary>
/// An in-process <see cref="ILiveFeed"/>: the publisher calls <see cref="Raise"/> after a change.
/// A follower that throws is reported to <paramref name="onError"/> (the publisher's log) and the
/// others are told anyway: a page's mistake never fails the publisher.
/// </summary>
public sealed class ChangeFeed(Action<Exception>? onError = null) : ILiveFeed
{
    private readonly Lock _lock = new();
    private Action[] _subscribers = [];

    public int Count => Volatile.Read(ref _subscribers).Length;

    public IDisposable Subscribe(Action onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        lock (_lock)
        {
            _subscribers = [.. _subscribers, onChange];
        }

        return new Handle(() =>
        {
            lock (_lock)
            {
                var i = Array.IndexOf(_subscribers, onChange);
                if (i >= 0)
                {
                    _subscribers = [.. _subscribers[..i], .. _subscribers[(i + 1)..]];
                }
            }
        });
    }

    /// <summary>Tells every follower; one that throws does not stop the others.</summary>
    public void Raise()
    {
        foreach (var s in Volatile.Read(ref _subscribers))
        {
            try
            {
                s();
            }
            catch (Exception ex)
            {
                onError?.Invoke(ex);
            }
        }
    }

    internal sealed class Handle(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}

/// <summary>
/// A feed that changes with time alone, for what nothing announces (the console database written
/// by another instance's checks): ticks every <c>interval</c> only while someone follows it.
/// </summary>
public sealed class TickFeed(TimeSpan interval, TimeProvider? time = null) : ILiveFeed
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public TimeSpan Interval { get; } = interval;

    public IDisposable Subscribe(Action onChange)
    {
        var timer = _time.CreateTimer(_ => onChange(), null, Interval, Interval);
        return new ChangeFeed.Handle(timer.Dispose);
    }
}

/// <summary>Several feeds followed as one.</summary>
public sealed class AnyFeed(params ILiveFeed[] feeds) : ILiveFeed
{
    public IDisposable Subscribe(Action onChange)
    {
        var handles = feeds.Select(f => f.Subscribe(onChange)).ToArray();
        return new ChangeFeed.Handle(() =>
        {
            foreach (var h in handles)
            {
                h.Dispose();
            }
        });
    }
}
