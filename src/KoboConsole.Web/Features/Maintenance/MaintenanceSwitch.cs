using System.Globalization;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Maintenance;

/// <summary>
/// Swaps nginx and the maintenance container on one Docker host, verifying over HTTP, and rolls
/// back on any failure (kobo-reference.md section 4, done the console's way).
/// </summary>
public sealed class MaintenanceSwitch(IDockerHosts hosts, EdgeCheck edge, IOptionsMonitor<MaintenanceOptions> options, TimeProvider time)
{
    /// <summary>Create → copy page in → stop nginx (and older maintenance) → start → verify 503.</summary>
    public async Task<HostSwap> EnableAsync(FrontEndHost target, MaintenanceFields fields, string template, string actor, CancellationToken cancellationToken)
    {
        var engine = hosts.Get(target.Host);
        var swap = new HostSwap(engine, target.Host);
        var step = "inspect nginx";
        try
        {
            var nginx = await engine.InspectContainerAsync(target.Nginx.Id, cancellationToken);
            var current = target.RunningMaintenance is { } m ? await engine.InspectContainerAsync(m.Id, cancellationToken) : null;
            var ports = PublishedPorts(nginx.Running ? nginx.Ports : current?.Ports ?? []);
            swap.VerifyRestored = ct => VerifyServedAsync(engine, nginx.Running ? nginx.Id : current?.Id, nginx.Running, nginx.Id, ct);

            step = "create the maintenance container";
            var page = MaintenancePage.Render(template, fields, PublicSite.FromEnv(nginx.Env));
            var config = MaintenancePage.NginxConfig(ports.Select(p => p.ContainerPort).Append(80), MaintenanceFields.RetryAfterSeconds(fields.Eta));
            swap.Created = await engine.CreateContainerAsync(Spec(target, nginx, ports, fields, actor), cancellationToken);

            step = "copy the page into the maintenance container";
            await using (var bundle = MaintenanceBundle.Build(config, page))
            {
                await engine.PutArchiveAsync(swap.Created, "/", bundle, cancellationToken);
            }

            foreach (var running in target.Maintenance.Where(c => c.Running).Append(target.Nginx).Where(c => c.Running))
            {
                step = $"stop {running.Name}";
                await engine.StopContainerAsync(running.Id, StopTimeout, cancellationToken);
                swap.Stopped.Add(running.Id);
            }

            if (AfterServersStopped is { } hook)
            {
                await hook(target.Host, cancellationToken);
            }

            step = "start the maintenance container";
            await engine.StartContainerAsync(swap.Created, cancellationToken);
            swap.Started.Add(swap.Created);

            step = "verify the maintenance page";
            var checkedPage = await edge.WaitAsync(engine, swap.Created, nginx: false, fields.Eta, nginx.Id, cancellationToken);
            swap.CheckedVia = checkedPage.Via;
            if (checkedPage.Problem is { } problem)
            {
                throw new MaintenanceSwitchException(problem, rolledBack: false);
            }

            swap.RemoveOnCommit.AddRange(target.Maintenance.Where(IsOurs).Select(c => c.Id));
            return swap;
        }
        catch (Exception ex) when (ex is DockerException or MaintenanceSwitchException or UnknownDockerHostException)
        {
            var rollback = await swap.RollbackAsync(CancellationToken.None);
            throw new MaintenanceSwitchException($"Turning maintenance on failed on host '{target.Host}' at \"{step}\": {ex.Message} {rollback}", true, ex);
        }
    }

    /// <summary>Stop maintenance → start nginx → verify nginx answers; else restart the page.</summary>
    public async Task<HostSwap> DisableAsync(FrontEndHost target, CancellationToken cancellationToken)
    {
        var engine = hosts.Get(target.Host);
        var swap = new HostSwap(engine, target.Host);
        var restored = target.RunningMaintenance?.Id;
        swap.VerifyRestored = ct => VerifyServedAsync(engine, restored, nginx: false, target.Nginx.Id, ct);
        var step = "stop the maintenance container";
        try
        {
            foreach (var running in target.Maintenance.Where(c => c.Running))
            {
                step = $"stop {running.Name}";
                await engine.StopContainerAsync(running.Id, StopTimeout, cancellationToken);
                swap.Stopped.Add(running.Id);
            }

            if (!target.Nginx.Running)
            {
                step = $"start {target.Nginx.Name}";
                await engine.StartContainerAsync(target.Nginx.Id, cancellationToken);
                swap.Started.Add(target.Nginx.Id);
            }

            step = "verify nginx answers";
            var checkedSite = await edge.WaitAsync(engine, target.Nginx.Id, nginx: true, null, target.Nginx.Id, cancellationToken);
            swap.CheckedVia = checkedSite.Via;
            if (checkedSite.Problem is { } problem)
            {
                throw new MaintenanceSwitchException(problem, rolledBack: false);
            }

            swap.RemoveOnCommit.AddRange(target.Maintenance.Where(IsOurs).Select(c => c.Id));
            return swap;
        }
        catch (Exception ex) when (ex is DockerException or MaintenanceSwitchException or UnknownDockerHostException)
        {
            var rollback = await swap.RollbackAsync(CancellationToken.None);
            var what = swap.Stopped.Count > 0 ? "the maintenance page is served again" : "nothing was changed";
            throw new MaintenanceSwitchException($"Turning maintenance off failed on host '{target.Host}' at \"{step}\": {ex.Message} So {what}. {rollback}", true, ex);
        }
    }

    /// <summary>
    /// Runs between "nginx stopped" and "maintenance started": the one moment another process can
    /// grab the port. Tests use it to take the port for real; production leaves it null.
    /// </summary>
    internal Func<string, CancellationToken, Task>? AfterServersStopped { get; set; }

    private TimeSpan StopTimeout => TimeSpan.FromSeconds(options.CurrentValue.StopTimeoutSeconds);

    private static bool IsOurs(KoboContainer c) => c.Labels.ContainsKey(MaintenanceLabels.Marker);

    /// <summary>Null when the container answers as nginx (or as the page), checked as <see cref="EdgeRoutes"/> says.</summary>
    private async Task<string?> VerifyServedAsync(IContainerEngine engine, string? id, bool nginx, string siteFrom, CancellationToken cancellationToken) =>
        id is null ? "neither nginx nor a maintenance page was running before; nothing to verify"
            : (await edge.WaitAsync(engine, id, nginx, null, siteFrom, cancellationToken)).Problem;

    /// <summary>One binding per container port (Docker lists 0.0.0.0 and :: separately for one -p).</summary>
    internal static List<PortBindingSpec> PublishedPorts(IReadOnlyList<PortMapping> ports) =>
        ports.Where(p => p.HostPort is not null)
            .GroupBy(p => (p.ContainerPort, p.Protocol))
            .Select(g => g.OrderBy(p => p.HostIp?.Contains(':', StringComparison.Ordinal) == true).First())
            .Select(p => new PortBindingSpec(p.ContainerPort, p.HostPort, p.Protocol, p.HostIp is null or "0.0.0.0" or "::" ? null : p.HostIp))
            .ToList();

    private ContainerSpec Spec(FrontEndHost target, ContainerDetails nginx, List<PortBindingSpec> ports, MaintenanceFields fields, string actor)
    {
        var now = time.GetUtcNow();
        var shortId = nginx.Id.Length >= 12 ? nginx.Id[..12] : nginx.Id;
        return new ContainerSpec
        {
            Image = options.CurrentValue.Image is { Length: > 0 } image ? image : nginx.ImageId,
            // Unique even for two enables in the same second (a re-enable with new values starts the
            // new container while the old one still exists).
            Name = string.Create(CultureInfo.InvariantCulture, $"{target.MaintenanceProject}-maintenance-{now.ToUnixTimeSeconds()}-{Guid.NewGuid().ToString("N")[..6]}"),
            Entrypoint = ["nginx"],
            Cmd = ["-c", MaintenancePage.BundleDirectory + "/nginx.conf", "-g", "daemon off;"],
            RestartPolicy = "unless-stopped",
            Ports = ports,
            // Every network nginx is on, with nginx's aliases (not its container id), so a TLS proxy finds the page.
            Networks = nginx.Networks.Select(n => new NetworkSpec(n.Name,
                n.Aliases.Where(a => !shortId.StartsWith(a, StringComparison.Ordinal) && a != nginx.Name).Append("nginx").Distinct(StringComparer.Ordinal).ToList())).ToList(),
            // nginx's own labels (not Compose's) travel along, so tools that group a stack by label still see it.
            Labels = new Dictionary<string, string>(nginx.Labels.Where(l => !l.Key.StartsWith("com.docker.compose.", StringComparison.Ordinal)))
            {
                [KoboNames.ProjectLabel] = target.MaintenanceProject,
                [KoboNames.ServiceLabel] = "maintenance",
                [KoboNames.OneOffLabel] = "False",
                [MaintenanceLabels.Marker] = "1",
                [MaintenanceLabels.Eta] = fields.Eta,
                [MaintenanceLabels.DateIso] = fields.DateIso,
                [MaintenanceLabels.DateStr] = fields.DateStr,
                [MaintenanceLabels.Email] = fields.Email ?? "",
                [MaintenanceLabels.Since] = now.ToString("O", CultureInfo.InvariantCulture),
                [MaintenanceLabels.By] = actor,
            },
        };
    }
}
