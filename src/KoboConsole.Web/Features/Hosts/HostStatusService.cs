using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Hosts;

/// <summary>One configured Docker host as the console sees it right now (the contract's <c>hosts</c> item).</summary>
public sealed record HostStatus(string Name, string Endpoint, bool Reachable, string? EngineVersion, string? Error, DateTimeOffset CheckedAt);

/// <summary>Asks every configured Docker engine whether it answers. A host that is down never stops the others.</summary>
public sealed class HostStatusService(IDockerHosts hosts, TimeProvider time, ILogger<HostStatusService> logger)
{
    public async Task<IReadOnlyList<HostStatus>> CheckAllAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(hosts.All.Select(engine => CheckAsync(engine, cancellationToken)));

    private async Task<HostStatus> CheckAsync(IContainerEngine engine, CancellationToken cancellationToken)
    {
        try
        {
            var info = await engine.GetInfoAsync(cancellationToken);
            return new HostStatus(engine.Name, engine.Endpoint, true, info.Version, null, time.GetUtcNow());
        }
        catch (DockerException ex)
        {
            Log.HostUnreachable(logger, engine.Name, engine.Endpoint, ex.Message);
            return new HostStatus(engine.Name, engine.Endpoint, false, null, ex.Message, time.GetUtcNow());
        }
    }
}
