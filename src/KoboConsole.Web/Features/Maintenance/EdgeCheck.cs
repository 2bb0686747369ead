using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Maintenance;

/// <summary>Finds the way to check a front-end container from outside it (see <see cref="EdgeRoutes"/>) and runs the check.</summary>
public sealed class EdgeCheck(MaintenanceProbe probe)
{
    /// <summary>Waits until <paramref name="serverId"/> serves the maintenance page (or nginx's site, with <paramref name="nginx"/>).</summary>
    public Task<ProbeOutcome> WaitAsync(IContainerEngine engine, string serverId, bool nginx, string? expectedText, string siteFrom, CancellationToken cancellationToken) =>
        WaitAsync(engine, serverId, nginx, expectedText, siteFrom, null, cancellationToken);

    /// <summary>As above, with nginx already inspected (its environment names kobo's domain).</summary>
    public Task<ProbeOutcome> WaitAsync(IContainerEngine engine, string serverId, bool nginx, string? expectedText, ContainerDetails siteFrom, CancellationToken cancellationToken) =>
        WaitAsync(engine, serverId, nginx, expectedText, siteFrom.Id, siteFrom, cancellationToken);

    private async Task<ProbeOutcome> WaitAsync(IContainerEngine engine, string serverId, bool nginx, string? expectedText, string siteFrom, ContainerDetails? siteDetails,
        CancellationToken cancellationToken)
    {
        var server = await engine.InspectContainerAsync(serverId, cancellationToken);
        if (!server.Running)
        {
            return new ProbeOutcome($"{server.Name} is {server.State}", null);
        }

        // kobo's domain variables are on nginx (and on kobo-install's maintenance container), not on the console's page container.
        var site = PublicSite.FromEnv(server.Env);
        if (site.Domain is null && siteFrom != serverId)
        {
            site = PublicSite.FromEnv((siteDetails ?? await engine.InspectContainerAsync(siteFrom, cancellationToken)).Env);
        }

        var routes = await RoutesAsync(engine, server, site, cancellationToken);
        return nginx ? await probe.WaitForNginxAsync(routes, cancellationToken) : await probe.WaitForMaintenanceAsync(routes, expectedText, cancellationToken);
    }

    public static async Task<IReadOnlyList<VerifyRoute>> RoutesAsync(IContainerEngine engine, ContainerDetails server, PublicSite site, CancellationToken cancellationToken)
    {
        ContainerDetails? proxy = null;
        if (MaintenanceProbe.PublishedUri(engine.Endpoint, server.Ports) is null)
        {
            var listed = await engine.ListContainersAsync(ContainerQuery.WithLabel(KoboNames.ServiceLabel, EdgeRoutes.ProxyService), cancellationToken);
            if (EdgeRoutes.PickProxy(listed, server) is { } found)
            {
                proxy = await engine.InspectContainerAsync(found.Id, cancellationToken);
            }
        }

        return EdgeRoutes.For(server, proxy, EdgeRoutes.PublicHost(site), engine.Endpoint);
    }
}
