using System.Collections.Concurrent;
using KoboConsole.IntegrationTests.Docker;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.IntegrationTests.Topology;

/// <summary>The real Docker hosts, with every call to an engine counted (method name and first argument): what a read cost.</summary>
public sealed class CountingHosts : IDockerHosts
{
    private readonly InterceptedHosts _hosts;

    public CountingHosts(IDockerHosts inner) =>
        _hosts = new InterceptedHosts(inner, (_, method, args, proceed) =>
        {
            if (!method.Name.StartsWith("get_", StringComparison.Ordinal))
            {
                Calls.Enqueue($"{method.Name} {(args.Length > 0 ? args[0] : null)}");
            }

            return proceed();
        });

    /// <summary>"InspectContainerAsync &lt;id&gt;", "ListContainersAsync ...", in call order.</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    public IReadOnlyList<IContainerEngine> All => _hosts.All;

    public IContainerEngine Get(string hostName) => _hosts.Get(hostName);

    public IReadOnlyList<string> Inspected() => [.. Calls.Where(c => c.StartsWith("InspectContainerAsync ", StringComparison.Ordinal)).Select(c => c["InspectContainerAsync ".Length..])];
}
