using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Runs;

/// <summary>How a run ended, for the feature's ending hooks (metrics, webhook).</summary>
public sealed record RunOutcome(string RunId, string State, string? Error, TimeSpan Duration);

/// <summary>
/// One run while a job executes it: the token that cancels it (a cancel in this process, the
/// cancel flag set by another instance, a lost lease, the job's own token), the leases it holds
/// (renewed while it runs, released when it ends), its items and log, and its ending (state,
/// audit line, then the feature's hooks). A runbook describes its steps; everything around them
/// is here. Begin one with <see cref="RunScopes.BeginAsync"/>; see docs/architecture.md "Runs".
/// </summary>
public sealed partial class RunScope : IAsyncDisposable
{
    public static readonly TimeSpan LeaseTtl = TimeSpan.FromMinutes(2);

    private readonly RunStore _runs;
    private readonly Leases _leases;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RunCancellation.Handle _handle;
    private readonly TimeSpan _pollInterval;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<Lease, DateTimeOffset> _held = [];
    private readonly List<Func<RunOutcome, Task>> _onEnded = [];
    private Task _keepAlive = Task.CompletedTask;
    private int _ended;

    internal RunScope(RunView run, RunStore runs, Leases leases, AuditLog audit, TimeProvider time, ILogger logger, RunCancellation.Handle handle, TimeSpan pollInterval)
    {
        Run = run;
        _runs = runs;
        _leases = leases;
        _audit = audit;
        _time = time;
        _logger = logger;
        _handle = handle;
        _pollInterval = pollInterval;
        Items = new RunItems(runs, run.Id);
        StartedAt = time.GetUtcNow();
    }

    /// <summary>The run as it was when it began (its request, actor, kind).</summary>
    public RunView Run { get; }

    public string RunId => Run.Id;

    public RunItems Items { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>Cancelled when someone cancels the run (here or on another instance), a lease is lost, or the job stops.</summary>
    public CancellationToken Token => _handle.Token;

    /// <summary>The lease this run lost to someone else (it expired while the database was away); the run stopped.</summary>
    public string? LeaseLost { get; private set; }

    /// <summary>True once <see cref="EndAsync"/> has recorded the ending.</summary>
    public bool Ended => Volatile.Read(ref _ended) == 1;

    internal void Start()
    {
        if (Run.CancelRequested)
        {
            _handle.Cancel();
        }

        _keepAlive = KeepAliveAsync(_stop.Token);
    }

    public void Cancel() => _handle.Cancel();

    public Task LogAsync(string text, CancellationToken cancellationToken) => _runs.LogAsync(RunId, text, cancellationToken);

    /// <summary>The step the progress card shows (null: none).</summary>
    public Task StepAsync(string? step, CancellationToken cancellationToken) => _runs.SetStepAsync(RunId, step, cancellationToken);

    /// <summary>A hook run after the ending is recorded (metrics, webhook); one that throws is logged, not passed on.</summary>
    public void OnEnded(Func<RunOutcome, Task> hook) => _onEnded.Add(hook);

    /// <summary>
    /// Records the ending once: stops renewing and releases the leases (a run started right after
    /// this one ended finds them free), then the state, then the audit line, then the hooks. A run
    /// that lost a lease ends failed, whatever it was about to say. Later calls do nothing.
    /// </summary>
    /// <param name="auditTarget">What the audit line names, e.g. "backup run 1f2e (postgres to disk)".</param>
    /// <param name="auditDetail">The audit line's detail; <paramref name="error"/> when null.</param>
    public async Task EndAsync(string state, string? error, string auditTarget, string? auditDetail = null)
    {
        if (Interlocked.Exchange(ref _ended, 1) == 1)
        {
            return;
        }

        await StopKeepAliveAsync();
        await ReleaseAllAsync();
        if (LeaseLost is { } lease && state != RunStates.Succeeded)
        {
            state = RunStates.Failed;
            // The feature's own account (what it left, how to roll back) follows the reason.
            error = $"stopped: its lease '{lease}' expired and was taken by another run (was the console's database away too long?). "
                + (error ?? "Start it again.");
            auditDetail = null;
            await _runs.LogAsync(RunId, $"Run failed: {error}", CancellationToken.None);
        }

        await _runs.FinishAsync(RunId, state, error, CancellationToken.None);
        var duration = _time.GetUtcNow() - StartedAt;
        await _audit.WriteAsync(Run.Actor, $"{Run.Kind}.run", auditTarget, state, auditDetail ?? error, duration, CancellationToken.None);
        var outcome = new RunOutcome(RunId, state, error, duration);
        foreach (var hook in _onEnded)
        {
            try
            {
                await hook(outcome);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The run has ended and says so; a metrics or webhook glitch must not turn it into a stranded one.
                Log.EndingHookFailed(_logger, RunId, ex);
            }
        }
    }

    /// <summary>Stops watching and releases the leases. A run left unended here is failed by <see cref="RunRecovery.GuardAsync"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopKeepAliveAsync();
        await ReleaseAllAsync();
        _handle.Dispose();
        _stop.Dispose();
    }

    private async Task StopKeepAliveAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        await _keepAlive;
    }

    /// <summary>Polls the cancel flag every second (another instance may have taken the request) and renews the leases every third of their life.</summary>
    private async Task KeepAliveAsync(CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_pollInterval, stop);
                if (!Token.IsCancellationRequested && await CancelFlagSetAsync(stop))
                {
                    _handle.Cancel();
                }

                await RenewDueAsync(stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run ended.
        }
    }

    private async Task<bool> CancelFlagSetAsync(CancellationToken stop)
    {
        try
        {
            return await _runs.IsCancelRequestedAsync(RunId, stop);
        }
        catch (Exception ex) when (DatabaseOutage.Is(ex))
        {
            // The console's database did not answer this time; ask again in a second.
            return false;
        }
    }
}
