using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Maintenance;

/// <summary>
/// Swaps nginx and the maintenance container on one Docker host, verifying over HTTP, and rolls
/// back on any failure (kobo-reference.md section 4, done the console's way).
/// </summary>
public sealed class MaintenanceSwitch(IDockerHosts hosts, EdgeCheck edge, IOptionsMonitor<MaintenanceOptions> options, TimeProvider time, ILogger<MaintenanceSwitch> logger)
{
    /// <summary>
    /// Prepared container (or create one) → copy page in while nginx (and older maintenance) stops →
    /// start → verify 503. Nothing before the stop touches what the public sees.
    /// </summary>
    public async Task<HostSwap> EnableAsync(FrontEndHost target, MaintenanceFields fields, string template, string actor, CancellationToken cancellationToken)
    {
        var engine = hosts.Get(target.Host);
        var swap = new HostSwap(engine, target.Host);
        var step = "inspect nginx";
        try
        {
            // The containers prepared ahead are listed while nginx is inspected (which one fits depends on nginx).
            var preparedListed = MaintenanceContainer.ListPreparedAsync(engine, cancellationToken);
            var nginx = await engine.InspectContainerAsync(target.Nginx.Id, cancellationToken);
            var current = !nginx.Running && target.RunningMaintenance is { } m ? await engine.InspectContainerAsync(m.Id, cancellationToken) : null;
            var ports = PublishedPorts(nginx.Running ? nginx.Ports : current?.Ports ?? []);
            swap.VerifyRestored = ct => VerifyServedAsync(engine, nginx.Running ? nginx.Id : current?.Id, nginx.Running, nginx.Id, ct);

            Log.Step(logger, step);
            step = "create the maintenance container";
            var spec = MaintenanceContainer.Spec(target.MaintenanceProject, nginx, ports, options.CurrentValue.Image, time);
            swap.Created = MaintenanceContainer.PickPrepared(await preparedListed, spec.Labels[KoboNames.PreparedLabel]);
            swap.UsedPrepared = swap.Created is not null;
            swap.Created ??= await engine.CreateContainerAsync(spec, cancellationToken);

            Log.Step(logger, step);
            step = "copy the page into the maintenance container";
            var page = MaintenancePage.Render(template, fields, PublicSite.FromEnv(nginx.Env));
            var config = MaintenancePage.NginxConfig(ports.Select(p => p.ContainerPort).Append(80), MaintenanceFields.RetryAfterSeconds(fields.Eta));
            var record = new MaintenanceRecord(fields.Eta, fields.DateIso, fields.DateStr, fields.Email, time.GetUtcNow(), actor);
            var copying = CopyAsync(engine, swap.Created, MaintenanceBundle.Build(config, page, MaintenanceContainer.RecordJson(record)), cancellationToken);

            // nginx stops while the page is copied in (the copy never touches what the public sees; a
            // failed copy is rolled back like a failed start, nginx started again).
            var stopStep = "";
            var stopping = StopAllAsync();
            try
            {
                await copying;
            }
            catch
            {
                await stopping.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                throw;
            }

            Log.Step(logger, step);
            try
            {
                await stopping;
            }
            catch
            {
                step = stopStep;
                throw;
            }

            async Task StopAllAsync()
            {
                foreach (var running in target.Maintenance.Where(c => c.Running).Append(target.Nginx).Where(c => c.Running))
                {
                    stopStep = $"stop {running.Name}";
                    await engine.StopContainerAsync(running.Id, StopTimeout, cancellationToken);
                    swap.Stopped.Add(running.Id);
                    Log.Step(logger, stopStep);
                }
            }

            step = "start the maintenance container";
            await engine.StartContainerAsync(swap.Created, cancellationToken);
            swap.Started.Add(swap.Created);
            Log.Step(logger, step);

            step = "verify the maintenance page";
            var checkedPage = await edge.WaitAsync(engine, swap.Created, nginx: false, fields.Eta, nginx, cancellationToken);
            swap.CheckedVia = checkedPage.Via;
            Log.Step(logger, step);
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

    private static async Task CopyAsync(IContainerEngine engine, string id, Stream bundle, CancellationToken cancellationToken)
    {
        await using (bundle)
        {
            await engine.PutArchiveAsync(id, "/", bundle, cancellationToken);
        }
    }

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
}
