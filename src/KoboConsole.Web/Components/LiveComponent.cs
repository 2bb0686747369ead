using KoboConsole.Web.Infrastructure.Live;
using Microsoft.AspNetCore.Components;

namespace KoboConsole.Web.Components;

/// <summary>
/// The base of every component that follows something live (decision 0031). <see cref="Follow"/>
/// subscribes to an <see cref="ILiveFeed"/> only in an interactive render (a prerender's
/// subscription would notify a dead renderer); each change runs the component's refresh on its
/// renderer, one at a time (changes during a refresh give one more pass, not a pile), then
/// renders. An exception from the refresh goes to <c>DispatchExceptionAsync</c>, so the page's
/// error boundary shows it as it would for a click; the cancellation of the component's own
/// disposal is not an error. Disposal ends every subscription.
/// </summary>
public abstract class LiveComponent : ComponentBase, IDisposable
{
    private readonly List<IDisposable> _handles = [];
    private readonly CancellationTokenSource _disposing = new();

    /// <summary>Cancelled when the component goes: pass it to the reads a refresh makes.</summary>
    protected CancellationToken Disposing { get; }

    protected LiveComponent() => Disposing = _disposing.Token;

    /// <summary>
    /// Follows <paramref name="feed"/>: after each change, <paramref name="refresh"/> (when given)
    /// then a render. Call it from <c>OnInitialized</c>/<c>OnInitializedAsync</c>.
    /// </summary>
    protected void Follow(ILiveFeed feed, Func<Task>? refresh = null)
    {
        ArgumentNullException.ThrowIfNull(feed);
        if (!RendererInfo.IsInteractive || _disposing.IsCancellationRequested)
        {
            return;
        }

        var pass = new Pass(this, refresh);
        lock (_handles)
        {
            _handles.Add(feed.Subscribe(pass.Request));
        }
    }

    /// <summary>For what a component must do when it goes, besides ending its subscriptions.</summary>
    protected virtual void OnDispose()
    {
    }

    public void Dispose()
    {
        if (_disposing.IsCancellationRequested)
        {
            return;
        }

        _disposing.Cancel();
        IDisposable[] handles;
        lock (_handles)
        {
            handles = [.. _handles];
            _handles.Clear();
        }

        foreach (var h in handles)
        {
            h.Dispose();
        }

        OnDispose();
        GC.SuppressFinalize(this);
    }

    private sealed class Pass(LiveComponent owner, Func<Task>? refresh)
    {
        private int _queued;
        private bool _running;
        private bool _again;

        // Any thread: queue at most one pass on the renderer.
        public void Request()
        {
            if (Interlocked.Exchange(ref _queued, 1) == 1)
            {
                return;
            }

            try
            {
                owner.InvokeAsync(RunAsync).ContinueWith(
                    static t => _ = t.Exception, // the renderer went away: nothing to show it on
                    CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            catch (ObjectDisposedException)
            {
                // The circuit is gone.
            }
        }

        // On the renderer: one refresh at a time; a change during one gives one more pass.
        private async Task RunAsync()
        {
            Volatile.Write(ref _queued, 0);
            if (_running)
            {
                _again = true;
                return;
            }

            _running = true;
            try
            {
                do
                {
                    _again = false;
                    if (owner._disposing.IsCancellationRequested)
                    {
                        return;
                    }

                    if (refresh is not null)
                    {
                        await refresh();
                    }

                    if (!owner._disposing.IsCancellationRequested)
                    {
                        owner.StateHasChanged();
                    }
                }
                while (_again);
            }
            catch (OperationCanceledException) when (owner._disposing.IsCancellationRequested)
            {
                // The component went during the refresh.
            }
            catch (ObjectDisposedException) when (owner._disposing.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                await owner.DispatchExceptionAsync(ex);
            }
            finally
            {
                _running = false;
            }
        }
    }
}
