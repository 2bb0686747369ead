using System.Text.Json;
using Hangfire;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Upgrades.Images;

/// <summary>Lists image updates of kobo's containers and queues "recreate with the new image" runs (kind <c>recreate</c>).</summary>
public sealed class ImageUpdateService(StackDiscovery discovery, IDockerHosts hosts, RunStore runs, IBackgroundJobClient jobs, AuditLog audit)
{
    /// <summary>Every kobo container (one-off ones aside) with the image its configuration names and the one it runs.</summary>
    public async Task<IReadOnlyList<ImageUpdate>> ListAsync(CancellationToken cancellationToken)
    {
        var snapshot = await discovery.DiscoverAsync(false, cancellationToken);
        var list = new List<ImageUpdate>();
        foreach (var c in snapshot.Containers.Where(c => !c.OneOff).OrderBy(c => c.Role).ThenBy(c => c.Service, StringComparer.Ordinal).ThenBy(c => c.Host, StringComparer.Ordinal))
        {
            try
            {
                var engine = hosts.Get(c.Host);
                var details = await engine.InspectContainerAsync(c.Id, cancellationToken);
                var running = await engine.InspectImageAsync(details.ImageId, cancellationToken);
                var configured = await engine.InspectImageAsync(details.Image, cancellationToken);
                list.Add(ImageUpdateRules.Compare(c, details, running, configured));
            }
            catch (ContainerNotFoundException)
            {
                // Removed since discovery: nothing to update.
            }
            catch (DockerException ex)
            {
                list.Add(new ImageUpdate(c.Service, c.Name, c.Host, c.Role.ToString().ToLowerInvariant(), c.State, c.Image, "", null, null, null, false,
                    $"could not be read: {ex.Message}"));
            }
        }

        return list;
    }

    /// <summary>Queues the run; null when there is no such service; <see cref="UpgradeRefusedException"/> when it has nothing to recreate.</summary>
    public async Task<string?> StartAsync(string service, bool maintenance, string actor, CancellationToken cancellationToken)
    {
        var updates = await ListAsync(cancellationToken);
        if (service != ImageUpdateRules.Frontend && updates.All(u => u.Service != service))
        {
            return null;
        }

        if (ImageUpdateRules.Targets(updates, service).Count == 0)
        {
            await audit.WriteAsync(actor, "recreate.start", $"recreate {service}", "refused", "no newer image", cancellationToken: cancellationToken);
            throw new UpgradeRefusedException($"{(service == ImageUpdateRules.Frontend ? "no front-end container" : service)} has no other image to run: its configured image points to the image it runs. "
                + "Pull or load the new image on its Docker host first.", conflict: true);
        }

        var runId = await runs.CreateAsync(ImageRecreateRunner.Kind, actor, JsonSerializer.Serialize(new RecreateRunRequest(service, maintenance)), cancellationToken);
        await audit.WriteAsync(actor, "recreate.start", $"recreate {service}", "queued", $"run {runId}{(maintenance ? "; with maintenance" : "")}", cancellationToken: cancellationToken);
        jobs.Enqueue<ImageRecreateJob>(j => j.RunAsync(runId, CancellationToken.None));
        return runId;
    }
}

/// <summary>The Hangfire job of a recreate run: never retried.</summary>
public sealed class ImageRecreateJob(ImageRecreateRunner runner, RunRecovery recovery)
{
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Recreate run {0}")]
    public Task RunAsync(string runId, CancellationToken cancellationToken)
        => recovery.GuardAsync(runId, () => runner.RunAsync(runId, cancellationToken), cancellationToken);
}
