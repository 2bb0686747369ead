using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Upgrades;

/// <summary>
/// The spec of a container like <paramref name="old"/> but on another image and data directory:
/// same environment (minus what the old image set about its own PostgreSQL), labels (so the
/// console still finds kobo's postgres), command, mounts, networks with their aliases, ports and
/// extra hosts, restart policy (kobo's is <c>always</c> when Docker reports none) and log settings.
/// <see cref="WithImage"/> is the same container on a newer image of the same reference.
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
        RestartPolicy = old.RestartPolicy is { Length: > 0 } and not "no" ? old.RestartPolicy : "always",
        Log = old.Log,
    };

    /// <summary>The label Compose v2 puts the service's image id in; a recreated container carries the new id.</summary>
    public const string ComposeImageLabel = "com.docker.compose.image";

    /// <summary>
    /// <paramref name="old"/> again, on <paramref name="newImage"/>: what the container was given is kept
    /// (environment, command, labels, mounts, networks with aliases, ports, extra hosts, restart policy,
    /// log settings, tty); what it only inherited from <paramref name="oldImage"/> (environment entries,
    /// command, entrypoint and labels equal to the old image's) is left to the new image, as
    /// <c>docker compose up</c> does when the tag moves.
    /// </summary>
    public static ContainerSpec WithImage(ContainerDetails old, ImageDetails oldImage, ImageDetails newImage) => new()
    {
        Image = old.Image,
        Name = old.Name,
        Cmd = old.Cmd.SequenceEqual(oldImage.Cmd) ? null : old.Cmd,
        Entrypoint = old.Entrypoint is not { Count: > 0 } entry || entry.SequenceEqual(oldImage.Entrypoint) ? null : entry,
        Env = old.Env.Where(e => !oldImage.Env.Contains(e)).ToList(),
        Labels = old.Labels
            .Where(l => !(oldImage.Labels.TryGetValue(l.Key, out var v) && v == l.Value))
            .ToDictionary(l => l.Key, l => l.Key == ComposeImageLabel ? newImage.Id : l.Value),
        Binds = old.Mounts.Select(m => $"{(m.Type == "volume" && m.Name is { Length: > 0 } n ? n : m.Source)}:{m.Destination}{(m.ReadWrite ? "" : ":ro")}").ToList(),
        // Same name, so an alias equal to it (Compose v2 sets one) is kept; Docker's own short-id alias is not.
        Networks = old.Networks.Select(n => new NetworkSpec(n.Name, n.Aliases.Where(a => !old.Id.StartsWith(a, StringComparison.Ordinal)).ToList())).ToList(),
        Ports = old.Ports.Where(p => p.HostPort is not null).Select(p => new PortBindingSpec(p.ContainerPort, p.HostPort, p.Protocol, p.HostIp is "0.0.0.0" or "::" ? null : p.HostIp)).DistinctBy(p => (p.ContainerPort, p.HostPort, p.Protocol)).ToList(),
        ExtraHosts = old.ExtraHosts,
        Tty = old.Tty,
        RestartPolicy = old.RestartPolicy,
        Log = old.Log,
    };
}
