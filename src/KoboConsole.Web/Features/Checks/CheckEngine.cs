using System.Data.Common;
using KoboConsole.Web.Features.Hosts;
using KoboConsole.Web.Features.Maintenance;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Features.Topology;
using KoboConsole.Web.Infrastructure.Docker;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Checks;

/// <summary>
/// Runs the checks in the background, page or no page: the service checks every
/// <c>ServiceIntervalSeconds</c>, the data checks every <c>DataIntervalSeconds</c>. Of several
/// console instances sharing one database, the one holding the <c>checks</c> lease runs them
/// (renewed each round; a dead leader's lease expires after three intervals and another takes over).
/// </summary>
public sealed class CheckEngine(
    TopologyLive live, TopologyService topology, ServiceChecks services, DataChecks data, CapacityChecks capacity, RestartLoops loops, CheckStore store, CheckAlerts alerts, ConsoleDatabaseCheck database,
    MaintenanceService maintenance, MaintenanceWindows windows, Leases leases, ConsoleInstance instance,
    IOptionsMonitor<ChecksOptions> options, TimeProvider time, ILogger<CheckEngine> logger) : BackgroundService
{
    public const string LeaseName = "checks";
    private Lease? _lease;
    private DateTimeOffset _nextData = DateTimeOffset.MinValue;
    private DateTimeOffset _nextCapacity = DateTimeOffset.MinValue;
    private CheckResult? _database;
    private DateTimeOffset? _databaseDownSince;
    private int _databaseDownRounds;
    private DateTimeOffset? _databaseAlertedAt;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.CurrentValue.Enabled)
        {
            return;
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var o = options.CurrentValue;
                var started = time.GetUtcNow();
                try
                {
                    if (await DatabaseAsync(o, stoppingToken) && await LeadAsync(o, stoppingToken))
                    {
                        await ApplyDatabaseAsync(stoppingToken);
                        await ServiceRoundAsync(o, stoppingToken);
                        if (time.GetUtcNow() >= _nextData)
                        {
                            _nextData = time.GetUtcNow() + o.DataInterval;
                            await DataRoundAsync(stoppingToken);
                        }

                        if (time.GetUtcNow() >= _nextCapacity)
                        {
                            _nextCapacity = time.GetUtcNow() + o.CapacityInterval;
                            await CapacityRoundAsync(o, stoppingToken);
                        }
                    }
                }
                catch (Exception ex) when (ex is DbException or DockerException or InvalidOperationException or TimeoutException or IOException or HttpRequestException)
                {
                    // The console's database or a Docker host is away; the next round tries again.
                    Log.RoundFailed(logger, "service", ex.Message);
                }

                // A fixed rate: the next round starts one interval after this one started, however long it took.
                var wait = o.ServiceInterval - (time.GetUtcNow() - started);
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            if (_lease is not null)
            {
                await _lease.DisposeAsync();
            }
        }
    }

    /// <summary>Holds (or takes) the lease for three intervals; false while another instance holds it.</summary>
    private async Task<bool> LeadAsync(ChecksOptions o, CancellationToken cancellationToken)
    {
        var ttl = o.ServiceInterval * 3;
        if (_lease is not null && await _lease.RenewAsync(ttl, cancellationToken))
        {
            return true;
        }

        _lease = await leases.TryAcquireAsync(LeaseName, instance.Id, ttl, cancellationToken);
        if (_lease is not null)
        {
            Log.Leading(logger, instance.Id);
        }

        return _lease is not null;
    }

    /// <summary>
    /// Checks the console's own database; false when it does not answer. Then nothing can be
    /// stored, so the instance that was leading counts the rounds in memory, alerts once the outage
    /// held for the grace period, and keeps the outage's start for <see cref="ApplyDatabaseAsync"/>
    /// to store when the database is back.
    /// </summary>
    private async Task<bool> DatabaseAsync(ChecksOptions o, CancellationToken cancellationToken)
    {
        var (result, reachable) = await database.RunAsync(o, cancellationToken);
        _database = result;
        if (reachable)
        {
            return true;
        }

        Log.DatabaseFailing(logger, result.Message);
        if (_lease is not null)
        {
            var now = time.GetUtcNow();
            _databaseDownSince ??= now;
            if (++_databaseDownRounds == alerts.GraceChecks)
            {
                await alerts.SendNowAsync(Alerts.AlertRules.Failing, result, services.Domain, _databaseDownSince.Value, now, cancellationToken);
                _databaseAlertedAt = now;
            }
        }

        return false;
    }

    /// <summary>Stores the database check; after an outage first the failing period (alerted already, if it lasted the grace period), so the history has it.</summary>
    private async Task ApplyDatabaseAsync(CancellationToken cancellationToken)
    {
        if (_databaseDownSince is { } since && _database is { } current)
        {
            var failing = new CheckResult(CheckKinds.Console, ConsoleDatabaseCheck.Target, CheckStates.Failing, "The console's database did not answer from this time on (it was away, so this was stored afterwards).");
            await store.ApplyAsync([CheckKinds.Console], [(failing, null)], removeVanished: false, since, cancellationToken);
            if (_databaseAlertedAt is { } alertedAt)
            {
                // The failing alert went out from memory: its recovery is due now.
                await alerts.MarkAlertedAsync(failing, since, alertedAt, cancellationToken);
            }

            (_databaseDownSince, _databaseDownRounds, _databaseAlertedAt) = (null, 0, null);
        }

        if (_database is { } result)
        {
            await ApplyAsync([CheckKinds.Console], [(result, null)], removeVanished: false, time.GetUtcNow(), cancellationToken);
        }
    }

    internal async Task ServiceRoundAsync(ChecksOptions o, CancellationToken cancellationToken)
    {
        // The live snapshot (kept current by Docker's events) answers without listing anything;
        // Docker is read only while a host's event stream is not live.
        var view = await live.ReadAsync(cancellationToken) ?? await topology.GetAsync(includeOneOff: false, cancellationToken);
        var now = time.GetUtcNow();
        var results = new List<CheckResult>(view.Hosts.Select(h => new CheckResult(CheckKinds.DockerHost, h.Name,
            h.Reachable ? CheckStates.Ok : CheckStates.Failing,
            h.Reachable ? $"Docker {h.EngineVersion} on {h.Name} answers." : $"Docker on {h.Name} ({h.Endpoint}) does not answer: {h.Error} Its containers cannot be checked: see the hosts list.")));
        results.AddRange(ContainerChecks.Evaluate(view, loops, o, now));
        var probing = services.ProbesAsync(view, cancellationToken);
        var sites = services.SitesAsync(view, cancellationToken);
        results.AddRange(await probing);
        results.AddRange(await sites);

        var maintenanceState = await maintenance.StateAsync(StackOf(view, now), cancellationToken);
        var open = await windows.ListOpenAsync(cancellationToken);
        var serviceOf = view.Containers.ToDictionary(c => ContainerChecks.Target(view, c), c => c.Service, StringComparer.Ordinal);
        var round = results.Select(r => (r, Muting.Reason(r, r.Check == CheckKinds.Http ? "nginx" : serviceOf.GetValueOrDefault(r.Target), maintenanceState, open, now))).ToList();
        // An unreachable host hides its containers: keep their last states rather than dropping them.
        await ApplyAsync(CheckKinds.Services, round, removeVanished: view.Hosts.All(h => h.Reachable), now, cancellationToken);
    }

    /// <summary>The topology as the discovery's snapshot, for rules written against it (maintenance's targets).</summary>
    internal static StackSnapshot StackOf(TopologyView view, DateTimeOffset now) => new(
        view.Hosts.Select(h => new HostStatus(h.Name, h.Endpoint, h.Reachable, h.EngineVersion, h.Error, now)).ToList(),
        view.Containers.Select(c => new KoboContainer(c.Host, c.Id, c.Name, c.Project, c.Service, KoboNames.RoleOf(c.Service), c.State, "", c.Image,
            c.StartedAt ?? DateTimeOffset.MinValue, OneOff: false, [], [], new Dictionary<string, string>(StringComparer.Ordinal))).ToList(),
        now);

    internal async Task CapacityRoundAsync(ChecksOptions o, CancellationToken cancellationToken)
    {
        var view = await live.ReadAsync(cancellationToken) ?? await topology.GetAsync(includeOneOff: false, cancellationToken);
        var now = time.GetUtcNow();
        var results = await capacity.RunAsync(view, o, now, cancellationToken);
        await ApplyAsync(CheckKinds.Capacity, results.Select(r => (r, (string?)null)).ToList(), removeVanished: view.Hosts.All(h => h.Reachable), now, cancellationToken);
    }

    internal async Task DataRoundAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var results = (await data.RunAsync(now, cancellationToken)).ToList();
        if (_database is { } db)
        {
            // Checked every service round; listed here so the data round does not take it for vanished.
            results.Add(db);
        }

        var listed = results.All(r => r is not { Check: CheckKinds.Catalog, State: CheckStates.Unknown });
        await ApplyAsync(CheckKinds.Data, results.Select(r => (r, (string?)null)).ToList(), removeVanished: listed, now, cancellationToken, alertDatabase: false);
    }

    private async Task ApplyAsync(IReadOnlyList<string> kinds, IReadOnlyList<(CheckResult Result, string?)> round, bool removeVanished, DateTimeOffset now, CancellationToken cancellationToken,
        bool alertDatabase = true)
    {
        var changes = await store.ApplyAsync(kinds, round, removeVanished, now, cancellationToken);
        foreach (var c in changes)
        {
            Log.StateChanged(logger, c.Change.Check, c.Change.Target, c.Change.State);
        }

        // The data round lists the database check only to keep it; the service round counts its rounds for the grace period.
        var alerting = alertDatabase ? round : round.Where(r => r.Result.Check != CheckKinds.Console || r.Result.Target != ConsoleDatabaseCheck.Target).ToList();
        await alerts.EvaluateAsync(alerting, services.Domain, now, cancellationToken);
    }
}
