using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Infrastructure.Docker;

/// <summary>One <see cref="DockerEngine"/> per configured host; disposed with the app.</summary>
internal sealed class DockerHosts : IDockerHosts, IDisposable
{
    private readonly DockerEngine[] _engines;

    public DockerHosts(IOptions<DockerOptions> options, ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger("KoboConsole.Docker");
        _engines = options.Value.Hosts.Select(h => new DockerEngine(h, logger)).ToArray();
    }

    public IReadOnlyList<IContainerEngine> All => _engines;

    public IContainerEngine Get(string hostName)
        => _engines.FirstOrDefault(e => string.Equals(e.Name, hostName, StringComparison.OrdinalIgnoreCase))
            ?? throw new UnknownDockerHostException(hostName, _engines.Select(e => e.Name));

    public void Dispose()
    {
        foreach (var engine in _engines)
        {
            engine.Dispose();
        }
    }
}
