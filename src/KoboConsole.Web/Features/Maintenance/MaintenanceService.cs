using System.Diagnostics;
using System.Globalization;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Maintenance.KoboInstall;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Features.Topology;
using KoboConsole.Web.Infrastructure.Docker;
using KoboConsole.Web.Infrastructure.Live;
using KoboConsole.Web.Infrastructure.Metrics;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Maintenance;

/// <summary>
/// Maintenance mode for the whole install: reads the state from the containers, and switches
/// every front-end host under one lease (one toggle at a time across console instances), all or
/// nothing, with an audit entry per toggle.
/// </summary>
public sealed class MaintenanceService(
    StackDiscovery discovery, TopologyLive live, MaintenanceSwitch @switch, Leases leases, AuditLog audit, IDockerHosts hosts,
    IWebHostEnvironment env, IOptionsMonitor<MaintenanceOptions> options, ConsoleMetrics metrics, KoboInstallConfig koboInstall, ILogger<MaintenanceService> logger)
{
    public const string LeaseName = "maintenance-toggle";
    private static readonly TimeSpan LeaseTtl = TimeSpan.FromMinutes(10);
    private static readonly string[] KpiContactKeys = ["KOBO_SUPPORT_EMAIL=", "DEFAULT_FROM_EMAIL="];
    private KpiContact? _kpiContact;

    private readonly ChangeFeed _toggled = new();

    /// <summary>
    /// Told when the maintenance state may have changed: after every toggle here, and with the
    /// containers (a toggle by another instance or by kobo-install's own command).
    /// </summary>
    public ILiveFeed Changes => new AnyFeed(_toggled, live);

    public async Task<MaintenanceStatus> GetStatusAsync(CancellationToken cancellationToken) =>
        await StatusOfAsync(await discovery.DiscoverAsync(false, cancellationToken), cancellationToken);

    /// <summary>What the page needs when it opens, from one look at the stack.</summary>
    public async Task<(MaintenanceStatus Status, string? DefaultEmail, PublicSite Site)> OpenAsync(CancellationToken cancellationToken)
    {
        var snapshot = await discovery.DiscoverAsync(false, cancellationToken);
        return (await StatusOfAsync(snapshot, cancellationToken), await DefaultEmailAsync(snapshot, cancellationToken), await PublicSiteAsync(snapshot, cancellationToken));
    }

    private async Task<MaintenanceStatus> StatusOfAsync(StackSnapshot snapshot, CancellationToken cancellationToken)
    {
        var (targets, error) = MaintenanceTargets.Find(snapshot);
        var holder = await leases.GetHolderAsync(LeaseName, cancellationToken);
        var state = StateOf(holder is not null, targets, error);
        MaintenanceFields? fields = null;
        DateTimeOffset? since = null;
        if (targets.Select(t => t.RunningMaintenance).FirstOrDefault(m => m is not null) is { } running)
        {
            (fields, since) = await ReadFieldsAsync(running, cancellationToken);
        }

        return new MaintenanceStatus(state, fields, since, targets.Select(t => new HostMaintenanceState(t.Host, t.State)).ToList(), error, holder?.Holder);
    }

    /// <summary>
    /// The state alone (<c>on</c>, <c>off</c>, <c>switching</c>, ...) from containers already listed,
    /// e.g. the live topology snapshot: asks the console's database, not Docker.
    /// </summary>
    public async Task<string> StateAsync(StackSnapshot snapshot, CancellationToken cancellationToken)
    {
        var (targets, error) = MaintenanceTargets.Find(snapshot);
        var holder = await leases.GetHolderAsync(LeaseName, cancellationToken);
        return StateOf(holder is not null, targets, error);
    }

    private static string StateOf(bool switching, IReadOnlyList<FrontEndHost> targets, string? error) =>
        switching ? "switching" : error is not null ? "down" : MaintenanceTargets.Overall(targets);

    /// <summary>The contact kobo's own configuration names (kobo-install's maintenance contact, then kpi's environment), or the configured default.</summary>
    public Task<string?> DefaultEmailAsync(CancellationToken cancellationToken) => DefaultEmailAsync(null, cancellationToken);

    private async Task<string?> DefaultEmailAsync(StackSnapshot? snapshot, CancellationToken cancellationToken)
    {
        if ((await koboInstall.ReadAsync(cancellationToken)).Settings?.MaintenanceEmail is { } fromRunConf && MaintenanceValidation.IsEmail(fromRunConf))
        {
            return fromRunConf;
        }

        // Which kpi to ask: from the live topology when it has one (no listing on the way to a toggle).
        var kpi = snapshot is null && live.Loaded && live.LastError is null
            ? live.Current.Containers.Where(c => c.Service == "kpi").OrderByDescending(c => c.State == "running").Select(c => (c.Host, c.Id)).FirstOrDefault()
            : (snapshot ?? await discovery.DiscoverAsync(false, cancellationToken)).Service("kpi").Select(c => (c.Host, c.Id)).FirstOrDefault();
        if (kpi.Id is not null && await KpiContactAsync(kpi.Host, kpi.Id, cancellationToken) is { } fromKpi)
        {
            return fromKpi;
        }

        return options.CurrentValue.DefaultEmail;
    }

    /// <summary>kpi's support address from its environment, read once per kpi container (a container's environment never changes).</summary>
    private async Task<string?> KpiContactAsync(string host, string id, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _kpiContact) is { } known && known.Id == id)
        {
            return known.Email;
        }

        try
        {
            var env = (await hosts.Get(host).InspectContainerAsync(id, cancellationToken)).Env;
            var email = KpiContactKeys
                .Select(key => env.FirstOrDefault(e => e.StartsWith(key, StringComparison.Ordinal))?[key.Length..])
                .FirstOrDefault(v => v is not null && MaintenanceValidation.IsEmail(v));
            Volatile.Write(ref _kpiContact, new KpiContact(id, email));
            return email;
        }
        catch (DockerException)
        {
            // The default is a convenience; the admin can type an address.
            return null;
        }
    }

    private sealed record KpiContact(string Id, string? Email);

    /// <summary>The kobo domain from nginx's environment, for the page's links.</summary>
    private async Task<PublicSite> PublicSiteAsync(StackSnapshot snapshot, CancellationToken cancellationToken)
    {
        var nginx = snapshot.Service("nginx");
        try
        {
            var site = nginx.Count == 0 ? new PublicSite(null) : PublicSite.FromEnv((await hosts.Get(nginx[0].Host).InspectContainerAsync(nginx[0].Id, cancellationToken)).Env);
            return site.Domain is null ? await FromRunConfAsync(site, cancellationToken) : site;
        }
        catch (DockerException)
        {
            return await FromRunConfAsync(new PublicSite(null), cancellationToken);
        }
    }

    /// <summary>kobo-install's domain when nginx does not say (nginx stopped, or a front end elsewhere).</summary>
    private async Task<PublicSite> FromRunConfAsync(PublicSite site, CancellationToken cancellationToken) =>
        (await koboInstall.ReadAsync(cancellationToken)).Settings?.PublicDomain is { Length: > 0 } domain ? site with { Domain = domain } : site;

    public string Template => File.ReadAllText(env.WebRootFileProvider.GetFileInfo(MaintenancePage.TemplatePath).PhysicalPath
        ?? throw new FileNotFoundException("The maintenance page template is missing from wwwroot.", MaintenancePage.TemplatePath));

    public Task<MaintenanceStatus> EnableAsync(MaintenanceFields fields, string actor, CancellationToken cancellationToken) =>
        ToggleAsync("maintenance.enable", true, actor, Describe(fields), t => t.All(h => h.State == "down")
            ? "Neither nginx nor a maintenance page runs, so there is no port to publish: use \"Restore nginx\" first."
            : null, (t, ct) => @switch.EnableAsync(t, fields, Template, actor, ct), cancellationToken);

    public Task<MaintenanceStatus> DisableAsync(string actor, CancellationToken cancellationToken) =>
        ToggleAsync("maintenance.disable", false, actor, null, _ => null, @switch.DisableAsync, cancellationToken);

    private async Task<MaintenanceStatus> ToggleAsync(string action, bool enabling, string actor, string? details,
        Func<IReadOnlyList<FrontEndHost>, string?> refuse, Func<FrontEndHost, CancellationToken, Task<HostSwap>> apply, CancellationToken cancellationToken)
    {
        await using var lease = await leases.TryAcquireAsync(LeaseName, actor, LeaseTtl, cancellationToken);
        if (lease is null)
        {
            var holder = await leases.GetHolderAsync(LeaseName, cancellationToken);
            var message = $"A maintenance toggle is in progress by {holder?.Holder ?? "someone else"}; wait for it to finish and try again.";
            await audit.WriteAsync(actor, action, "frontend", "refused", message, null, cancellationToken);
            throw new MaintenanceRefusedException(message, busy: true);
        }

        Log.Step(logger, "take the lease");
        var watch = Stopwatch.StartNew();
        var (targets, error) = MaintenanceTargets.Find(await discovery.DiscoverAsync(false, cancellationToken));
        Log.Step(logger, "discover the front ends");
        var target = string.Join(", ", targets.Select(t => $"{t.Host}/{t.Nginx.Project}"));
        if ((error ?? refuse(targets)) is { } refused)
        {
            await audit.WriteAsync(actor, action, target.Length > 0 ? target : "frontend", "refused", refused, watch.Elapsed, cancellationToken);
            throw new MaintenanceRefusedException(refused, busy: false);
        }

        var done = new List<HostSwap>();
        try
        {
            foreach (var host in targets)
            {
                done.Add(await apply(host, cancellationToken));
            }
        }
        catch (MaintenanceSwitchException ex)
        {
            // All or nothing: hosts that already switched go back too.
            var rollbacks = new List<string>();
            foreach (var swap in Enumerable.Reverse(done))
            {
                rollbacks.Add(await swap.RollbackAsync(CancellationToken.None));
            }

            var message = string.Join(" ", rollbacks.Prepend(ex.Message));
            Log.ToggleFailed(logger, action, actor, message);
            await audit.WriteAsync(actor, action, target, "rolled back", Join(details, message), watch.Elapsed, CancellationToken.None);
            metrics.MaintenanceToggled(action, "rolled back", watch.Elapsed);
            _toggled.Raise();
            throw new MaintenanceSwitchException(message, true, ex);
        }

        foreach (var swap in done)
        {
            await swap.CommitAsync(CancellationToken.None);
        }

        // kobo-install's start honours its own flag: keep it in step, or say why it is not.
        if (await koboInstall.KeepMaintenanceInStepAsync(enabling, CancellationToken.None) is { } notInStep)
        {
            details = Join(details, notInStep);
        }

        var checkedVia = string.Join("; ", done.Where(d => d.CheckedVia is not null).Select(d => $"{d.Host}: {d.CheckedVia}"));
        Log.Toggled(logger, action, actor, watch.ElapsedMilliseconds, checkedVia);
        await audit.WriteAsync(actor, action, target, "succeeded", checkedVia.Length == 0 ? details : Join(details, checkedVia), watch.Elapsed, CancellationToken.None);
        metrics.MaintenanceToggled(action, "succeeded", watch.Elapsed);
        await lease.DisposeAsync();
        _toggled.Raise();
        return await GetStatusAsync(CancellationToken.None);
    }

    private async Task<(MaintenanceFields?, DateTimeOffset?)> ReadFieldsAsync(KoboContainer running, CancellationToken cancellationToken)
    {
        var labels = running.Labels;
        if (labels.ContainsKey(MaintenanceLabels.Eta))
        {
            // A container of an earlier console version: the fields were labels then.
            var since = DateTimeOffset.TryParse(labels.GetValueOrDefault(MaintenanceLabels.Since), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var s) ? s : (DateTimeOffset?)null;
            return (new MaintenanceFields(labels.GetValueOrDefault(MaintenanceLabels.Eta, ""), labels.GetValueOrDefault(MaintenanceLabels.DateIso, ""),
                labels.GetValueOrDefault(MaintenanceLabels.DateStr, ""), labels.GetValueOrDefault(MaintenanceLabels.Email) is { Length: > 0 } e ? e : null), since);
        }

        if (labels.ContainsKey(MaintenanceLabels.Marker))
        {
            // Prepared before the fields were known: the switch copied them in beside the page.
            try
            {
                var record = await MaintenanceContainer.ReadRecordAsync(hosts.Get(running.Host), running.Id, cancellationToken);
                return (record?.Fields, record?.Since);
            }
            catch (Exception ex) when (ex is DockerException or System.Text.Json.JsonException or InvalidDataException)
            {
                return (null, null);
            }
        }

        // kobo-install's own maintenance container: its template variables are in its environment.
        try
        {
            var details = await hosts.Get(running.Host).InspectContainerAsync(running.Id, cancellationToken);
            var env = ContainerEnv.Of(details.Env);
            return (new MaintenanceFields(env.GetValueOrDefault("ETA", ""), env.GetValueOrDefault("DATE_ISO", ""), env.GetValueOrDefault("DATE_STR", ""),
                env.GetValueOrDefault("EMAIL")), details.StartedAt);
        }
        catch (DockerException)
        {
            return (null, null);
        }
    }

    private static string Describe(MaintenanceFields f) => $"eta={f.Eta}; dateIso={f.DateIso}; dateStr={f.DateStr}; email={f.Email ?? "(none)"}";

    private static string Join(string? a, string b) => a is null ? b : a + "; " + b;
}
