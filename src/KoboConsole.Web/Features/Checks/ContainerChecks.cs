using KoboConsole.Web.Features.Topology;

namespace KoboConsole.Web.Features.Checks;

/// <summary>Each kobo container's state, Docker health (where it has a healthcheck) and restart loop, as one check per container.</summary>
public static class ContainerChecks
{
    /// <summary>Services that are stopped by design most of the time: the maintenance page (off) and certbot (runs now and then).</summary>
    private static readonly HashSet<string> StoppedByDesign = new(StringComparer.Ordinal) { "maintenance", "certbot" };

    public static IReadOnlyList<CheckResult> Evaluate(TopologyView view, RestartLoops loops, ChecksOptions options, DateTimeOffset now)
    {
        var window = TimeSpan.FromMinutes(options.RestartLoopMinutes);
        var results = new List<CheckResult>();
        foreach (var c in view.Containers)
        {
            var restarts = loops.Observe(c.Id, c.RestartCount, now, window);
            results.Add(new CheckResult(CheckKinds.Container, Target(view, c), State(c, restarts, options), Message(c, restarts, options)));
        }

        loops.Keep(view.Containers.Select(c => c.Id).ToHashSet(StringComparer.Ordinal));
        return results;
    }

    /// <summary>The container's name, with its host when another host holds a container of the same name.</summary>
    public static string Target(TopologyView view, TopologyContainer c) =>
        view.Containers.Count(x => x.Name == c.Name) > 1 ? $"{c.Name}@{c.Host}" : c.Name;

    private static string State(TopologyContainer c, int restarts, ChecksOptions o) => c.State switch
    {
        _ when restarts > o.RestartLoopCount => CheckStates.Failing,
        "running" => c.Health switch
        {
            "unhealthy" => CheckStates.Failing,
            "starting" => CheckStates.Warning,
            _ => CheckStates.Ok,
        },
        "paused" => CheckStates.Warning,
        _ when StoppedByDesign.Contains(c.Service) => CheckStates.Ok,
        _ => CheckStates.Failing,
    };

    private static string Message(TopologyContainer c, int restarts, ChecksOptions o)
    {
        if (restarts > o.RestartLoopCount)
        {
            return $"{c.Name} is in a restart loop: {restarts} restarts in the last {o.RestartLoopMinutes} minutes ({c.RestartCount} in all). "
                + "Read its log on the topology page for the error it stops on.";
        }

        return c.State switch
        {
            "running" when c.Health == "unhealthy" => $"{c.Name} runs but Docker's health check fails. Read its log and the health output (docker inspect {c.Name}).",
            "running" when c.Health == "starting" => $"{c.Name} started; Docker's health check has not passed yet.",
            "running" => $"{c.Name} is running" + (c.Health == "healthy" ? " and healthy." : "."),
            "paused" => $"{c.Name} is paused: unpause it (docker unpause {c.Name}).",
            _ when StoppedByDesign.Contains(c.Service) => $"{c.Name} is {c.State} (normal: it runs only when needed).",
            "restarting" => $"{c.Name} is restarting ({c.RestartCount} restarts so far). Read its log on the topology page.",
            _ => $"{c.Name} is {c.State}. Start it from the topology page (or docker start {c.Name}) and read its log for why it stopped.",
        };
    }
}
