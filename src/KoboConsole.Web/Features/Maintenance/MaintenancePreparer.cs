using System.Globalization;
using System.Threading.Channels;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Features.Topology;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Maintenance;

/// <summary>
/// Keeps one maintenance container created ahead beside every running nginx, made for that
/// nginx's image, ports, networks and aliases (<see cref="MaintenanceContainer.Spec"/>), so the
/// switch only copies the page in, stops nginx and starts it. Follows the live topology: a
/// changed nginx gets a new one (the old one is removed), a host without nginx keeps none. It
/// never starts anything: only the switch does, after stopping nginx (decision 0028).
/// </summary>
public sealed class MaintenancePreparer(TopologyLive live, IDockerHosts hosts, IOptionsMonitor<MaintenanceOptions> options,
    IOptionsMonitor<StackOptions> stack, TimeProvider time, ILogger<MaintenancePreparer> logger) : BackgroundService
{
    private readonly Channel<bool> _dirty = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Per host, what nginx looked like when its prepared container was last made sure of.</summary>
    private readonly Dictionary<string, string> _settled = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.CurrentValue.PrepareAhead)
        {
            return;
        }

        using var subscription = live.Subscribe(() => _dirty.Writer.TryWrite(true));
        try
        {
            while (await _dirty.Reader.WaitToReadAsync(stoppingToken))
            {
                _dirty.Reader.TryRead(out _);
                if (live.Loaded && live.LastError is null)
                {
                    await SettleAsync(live.Current, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SettleAsync(TopologyView view, CancellationToken cancellationToken)
    {
        foreach (var host in view.Hosts.Where(h => h.Reachable))
        {
            var nginx = view.Containers.Where(c => c.Host == host.Name && c.Service == "nginx" && c.Role == "frontend").ToList();
            var serving = view.Containers.Any(c => c.Host == host.Name && c.Role == "maintenance" && c.State == "running");
            // nginx running alone: keep one ready; no nginx: keep none; else (maintenance on, nginx stopped, several nginx) leave things be.
            var shape = nginx.Count switch
            {
                0 => "none",
                1 when nginx[0].State == "running" && !serving => string.Join(' ', nginx[0].Id,
                    string.Join(',', nginx[0].Ports.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.HostIp}:{p.HostPort}:{p.ContainerPort}"))),
                    string.Join(',', nginx[0].Networks.Select(n => n.Name + "=" + string.Join('+', n.Aliases)))),
                _ => null,
            };
            if (shape is null)
            {
                _settled.Remove(host.Name); // the prepared one may be in use: look again once nginx runs alone
                continue;
            }

            if (_settled.GetValueOrDefault(host.Name) == shape)
            {
                continue;
            }

            try
            {
                await SettleHostAsync(hosts.Get(host.Name), nginx.FirstOrDefault(), cancellationToken);
                _settled[host.Name] = shape;
            }
            catch (Exception ex) when (ex is DockerException or UnknownDockerHostException)
            {
                // The switch creates its container itself when none is ready; the next change tries again.
                Log.PrepareFailed(logger, host.Name, ex.Message);
            }
        }
    }

    private async Task SettleHostAsync(IContainerEngine engine, TopologyContainer? nginx, CancellationToken cancellationToken)
    {
        string? key = null;
        if (nginx is not null)
        {
            var details = await engine.InspectContainerAsync(nginx.Id, cancellationToken);
            if (!details.Running)
            {
                return;
            }

            var spec = MaintenanceContainer.Spec(MaintenanceTargets.MaintenanceProjectOf(nginx.Project), details,
                MaintenanceSwitch.PublishedPorts(details.Ports), options.CurrentValue.Image, time);
            key = spec.Labels[KoboNames.PreparedLabel];
            if (await MaintenanceContainer.FindPreparedAsync(engine, key, cancellationToken) is null)
            {
                await engine.CreateContainerAsync(spec, cancellationToken);
                Log.Prepared(logger, spec.Name!, engine.Name, details.Name);
            }
        }

        var o = stack.CurrentValue;
        var listed = await engine.ListContainersAsync(ContainerQuery.WithLabel(KoboNames.PreparedLabel), cancellationToken);
        // Never-started ones made for another nginx, and stopped ones that served (their switch removes
        // them on commit; one left over, e.g. by a failed removal, is hidden from discovery, so it goes here).
        foreach (var stale in listed.Where(c => (c.State == "exited" || (c.State == "created" && c.Labels.GetValueOrDefault(KoboNames.PreparedLabel) != key))
            && KoboNames.IsKoboProject(c.Labels.GetValueOrDefault(KoboNames.ProjectLabel, ""), o.ExtraProjects, o.Prefix)))
        {
            try
            {
                await engine.RemoveContainerAsync(stale.Id, force: false, cancellationToken);
                Log.PreparedRemoved(logger, stale.Name, engine.Name, key is null ? "no nginx on this host" : stale.State == "exited" ? "it served and stopped" : "nginx changed");
            }
            catch (DockerException ex)
            {
                // Most likely its switch is removing it at this moment; else the next change tries again.
                Log.PrepareFailed(logger, engine.Name, ex.Message);
            }
        }
    }
}
