using System.Diagnostics;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Topology;

public enum ContainerAction
{
    Start,
    Stop,
    Restart,
}

/// <summary>Start, stop and restart a kobo container; every attempt is audited and the new state read back from Docker.</summary>
public sealed class ContainerActions(TopologyService topology, TopologyLive live, IDockerHosts hosts, AuditLog audit, ILogger<ContainerActions> logger)
{
    public static bool TryParseAction(string text, out ContainerAction action) =>
        Enum.TryParse(text, ignoreCase: true, out action) && Enum.IsDefined(action) && text.All(char.IsAsciiLetterLower);

    /// <summary>True when the console itself runs in that container (Docker sets HOSTNAME to the short container id).</summary>
    public static bool IsConsoleItself(string containerId, string? hostname) =>
        hostname is { Length: 12 } && containerId.StartsWith(hostname, StringComparison.Ordinal);

    /// <summary>
    /// The warning that asks for a second confirmation before a stop or restart that takes kobo
    /// off line (the last running nginx while no maintenance page runs) or the console itself;
    /// null when one confirmation is enough. <paramref name="consoleHostname"/> is the console's
    /// HOSTNAME (Docker sets it to the short container id).
    /// </summary>
    public static string? SecondConfirmation(TopologyContainer c, IReadOnlyList<TopologyContainer> all, string? consoleHostname)
    {
        if (IsConsoleItself(c.Id, consoleHostname))
        {
            return $"{c.Name} runs this console: after it stops, this page stops answering until someone starts it from the host.";
        }

        var running = all.Where(x => x.State == "running").ToList();
        return c.Service == "nginx" && running.Count(x => x.Service == "nginx") <= 1 && !running.Any(x => x.Service == "maintenance")
            ? $"{c.Name} is the last running nginx and maintenance mode is off: every kobo user gets an error until it runs again. Turn maintenance on first to show them a maintenance page."
            : null;
    }

    /// <summary>Runs the action and returns the container's entry as Docker reports it afterwards.</summary>
    /// <exception cref="DockerException">Docker refused or the host does not answer (audited as failed).</exception>
    public async Task<TopologyContainer> RunAsync(TopologyContainer container, ContainerAction action, string actor, CancellationToken cancellationToken)
    {
        var name = action.ToString().ToLowerInvariant();
        var target = $"{container.Host}/{container.Name}";
        var watch = Stopwatch.StartNew();
        try
        {
            var engine = hosts.Get(container.Host);
            // Docker answers stop/start/restart once the container reached the new state.
            switch (action)
            {
                case ContainerAction.Start:
                    await engine.StartContainerAsync(container.Id, cancellationToken);
                    break;
                case ContainerAction.Stop:
                    await engine.StopContainerAsync(container.Id, null, cancellationToken);
                    break;
                default:
                    await engine.RestartContainerAsync(container.Id, null, cancellationToken);
                    break;
            }

            var entry = await topology.EntryAsync(container, cancellationToken);
            await audit.WriteAsync(actor, "container." + name, target, "succeeded", $"state {entry.State}", watch.Elapsed, CancellationToken.None);
            Log.ContainerAction(logger, actor, name, container.Name, container.Host, "succeeded");
            live.RefreshContainer(container.Id);
            return entry;
        }
        catch (DockerException ex)
        {
            await audit.WriteAsync(actor, "container." + name, target, "failed", ex.Message, watch.Elapsed, CancellationToken.None);
            Log.ContainerAction(logger, actor, name, container.Name, container.Host, "failed");
            throw;
        }
    }
}
