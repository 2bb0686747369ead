using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Upgrades;

/// <summary>
/// The spec of a container like <paramref name="old"/> but on another image and data directory:
/// same environment (minus what the old image set about its own PostgreSQL), labels (so the
/// console still finds kobo's postgres), command, mounts, networks with their aliases, ports and
/// extra hosts. Docker does not report the restart policy in our records; kobo's is <c>always</c>.
/// </summary>
public static class ContainerRecreate
{
    /// <summary>Variables the postgres images set themselves: the new image brings its own.</summary>
    public static readonly IReadOnlySet<string> ImageEnv = new HashSet<string>(StringComparer.Ordinal)
    {
        "PATH", "PG_MAJOR", "PG_VERSION", "PG_SHA256", "GOSU_VERSION", "POSTGIS_MAJOR", "POSTGIS_VERSION", "LANG",
    };

    public static ContainerSpec Spec(ContainerDetails old, string image, string dataPath, string newDataSource, string name) => new()
    {
        Image = image,
        Name = name,
        Cmd = old.Cmd,
        Env = old.Env.Where(e => !ImageEnv.Contains(ContainerEnv.NameOf(e))).ToList(),
        Labels = old.Labels,
        Binds = old.Mounts.Select(m => m.Destination == dataPath
            ? $"{newDataSource}:{m.Destination}"
            : $"{(m.Type == "volume" && m.Name is { Length: > 0 } n ? n : m.Source)}:{m.Destination}{(m.ReadWrite ? "" : ":ro")}").ToList(),
        Networks = old.Networks.Select(n => new NetworkSpec(n.Name, n.Aliases.Where(a => !old.Id.StartsWith(a, StringComparison.Ordinal) && a != old.Name).ToList())).ToList(),
        Ports = old.Ports.Where(p => p.HostPort is not null).Select(p => new PortBindingSpec(p.ContainerPort, p.HostPort, p.Protocol, p.HostIp is "0.0.0.0" or "::" ? null : p.HostIp)).DistinctBy(p => (p.ContainerPort, p.HostPort, p.Protocol)).ToList(),
        ExtraHosts = old.ExtraHosts,
        RestartPolicy = "always",
    };
}
