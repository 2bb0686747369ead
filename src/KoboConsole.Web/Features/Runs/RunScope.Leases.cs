using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Runs;

/// <summary>The end of a wait for a lease: held, or refused because of who holds it.</summary>
public readonly record struct LeaseWait(Lease? Lease, LeaseHolder? RefusedBy);

// The leases a run holds: taken through the scope, renewed by its keep-alive loop, released at the end.
public sealed partial class RunScope
{
    /// <summary>Takes the lease for this run, or null when someone else holds it.</summary>
    public async Task<Lease?> TryHoldAsync(string name, string holder, CancellationToken cancellationToken)
    {
        var lease = await _leases.TryAcquireAsync(name, holder, LeaseTtl, cancellationToken);
        if (lease is not null)
        {
            lock (_held)
            {
                _held[lease] = _time.GetUtcNow();
            }
        }

        return lease;
    }

    /// <summary>
    /// Waits for the lease, checking every second; writes <paramref name="waiting"/>'s line to the run's
    /// log once. Gives up (returns <see cref="LeaseWait.RefusedBy"/>) when <paramref name="refuse"/> says
    /// its holder is one not to wait for.
    /// </summary>
    public async Task<LeaseWait> WaitForLeaseAsync(string name, string holder, Func<LeaseHolder?, bool> refuse, Func<LeaseHolder?, string> waiting, CancellationToken cancellationToken)
    {
        var logged = false;
        while (true)
        {
            if (await TryHoldAsync(name, holder, cancellationToken) is { } lease)
            {
                return new LeaseWait(lease, null);
            }

            var current = await _leases.GetHolderAsync(name, cancellationToken);
            if (refuse(current))
            {
                return new LeaseWait(null, current);
            }

            if (!logged)
            {
                await LogAsync(waiting(current), cancellationToken);
                logged = true;
            }

            await Task.Delay(_pollInterval, cancellationToken);
        }
    }

    /// <summary>Releases a lease before the run ends (a backup item's store lease).</summary>
    public async Task ReleaseAsync(Lease lease)
    {
        lock (_held)
        {
            _held.Remove(lease);
        }

        await lease.DisposeAsync();
    }

    private async Task ReleaseAllAsync()
    {
        List<Lease> all;
        lock (_held)
        {
            all = [.. _held.Keys];
            _held.Clear();
        }

        foreach (var lease in all)
        {
            await lease.DisposeAsync();
        }
    }

    private async Task RenewDueAsync(CancellationToken stop)
    {
        List<Lease> due;
        lock (_held)
        {
            due = _held.Where(h => _time.GetUtcNow() - h.Value >= LeaseTtl / 3).Select(h => h.Key).ToList();
        }

        foreach (var lease in due)
        {
            bool renewed;
            try
            {
                renewed = await lease.RenewAsync(LeaseTtl, stop);
            }
            catch (Exception ex) when (DatabaseOutage.Is(ex))
            {
                continue; // the database is away: try again on the next tick, while the lease lasts
            }

            lock (_held)
            {
                if (!_held.ContainsKey(lease))
                {
                    continue; // released meanwhile
                }

                if (renewed)
                {
                    _held[lease] = _time.GetUtcNow();
                    continue;
                }

                _held.Remove(lease);
            }

            // Someone else holds it now: going on would mean two runs on the same thing.
            LeaseLost ??= lease.Name;
            Log.LeaseLost(_logger, RunId, lease.Name);
            _handle.Cancel();
        }
    }
}
