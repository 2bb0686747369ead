using System.Globalization;
using Docker.DotNet.Models;

namespace KoboConsole.Web.Infrastructure.Docker;

/// <summary>Docker.DotNet models to our records; the only place that knows both shapes.</summary>
internal static class DockerMapping
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    public static ContainerSummary ToSummary(ContainerListResponse c) => new(
        c.ID,
        c.Names?.ToArray() ?? [],
        c.Image ?? "",
        c.State ?? "",
        c.Status ?? "",
        Labels(c.Labels),
        ToUtc(c.Created),
        c.Ports?.Select(p => new PortMapping(
            string.IsNullOrEmpty(p.IP) ? null : p.IP,
            p.PublicPort == 0 ? null : p.PublicPort,
            p.PrivatePort,
            p.Type ?? "tcp")).ToArray() ?? [],
        c.NetworkSettings?.Networks?.Select(n => ToAttachment(n.Key, n.Value)).ToArray() ?? []);

    public static ContainerDetails ToDetails(ContainerInspectResponse c)
    {
        var state = c.State ?? new ContainerState();
        return new ContainerDetails(
            c.ID,
            (c.Name ?? "").TrimStart('/'),
            c.Config?.Image ?? "",
            c.Image ?? "",
            state.Status ?? "",
            state.Running,
            (int)state.ExitCode,
            ToHealth(state.Health),
            (int)c.RestartCount,
            ToUtc(c.Created),
            ParseDockerTime(state.StartedAt),
            ParseDockerTime(state.FinishedAt),
            c.Config?.Tty ?? false,
            c.Config?.Cmd?.ToArray() ?? [],
            c.Config?.Env?.ToArray() ?? [],
            Labels(c.Config?.Labels),
            c.Mounts?.Select(m => new MountInfo(m.Type ?? "", string.IsNullOrEmpty(m.Name) ? null : m.Name, m.Source ?? "", m.Destination ?? "", m.RW)).ToArray() ?? [],
            c.NetworkSettings?.Networks?.Select(n => ToAttachment(n.Key, n.Value)).ToArray() ?? [],
            ToPorts(c.NetworkSettings?.Ports),
            c.HostConfig?.ExtraHosts?.ToArray() ?? [],
            c.Config?.StopTimeout is { } stop ? (int)stop.TotalSeconds : null,
            c.HostConfig?.LogConfig is { Type: { Length: > 0 } driver } log ? new ContainerLogConfig(driver, Labels(log.Config)) : null,
            c.HostConfig?.RestartPolicy is { } restart ? RestartPolicyName(restart.Name) : null,
            c.Config?.Entrypoint?.ToArray() ?? []);
    }

    public static ImageDetails ToImage(ImageInspectResponse i) => new(
        i.ID ?? "",
        i.RepoTags?.ToArray() ?? [],
        ToUtc(i.Created),
        i.Config?.Env?.ToArray() ?? [],
        i.Config?.Cmd?.ToArray() ?? [],
        i.Config?.Entrypoint?.ToArray() ?? [],
        Labels(i.Config?.Labels));

    private static string? RestartPolicyName(RestartPolicyKind kind) => kind switch
    {
        RestartPolicyKind.Always => "always",
        RestartPolicyKind.UnlessStopped => "unless-stopped",
        RestartPolicyKind.OnFailure => "on-failure",
        RestartPolicyKind.No => "no",
        _ => null,
    };

    public static NetworkSummary ToNetwork(NetworkResponse n) => new(n.ID, n.Name, n.Driver ?? "", n.Scope ?? "", Labels(n.Labels));

    public static CreateContainerParameters ToCreateParameters(ContainerSpec spec)
    {
        var ports = spec.Ports.ToDictionary(
            p => $"{p.ContainerPort}/{p.Protocol}",
            p => (IList<PortBinding>)[new PortBinding { HostIP = p.HostIp ?? "", HostPort = p.HostPort?.ToString(CultureInfo.InvariantCulture) ?? "" }]);
        var first = spec.Networks.Count > 0 ? spec.Networks[0] : null;
        return new CreateContainerParameters
        {
            Image = spec.Image,
            Name = spec.Name,
            Cmd = spec.Cmd?.ToList(),
            Entrypoint = spec.Entrypoint?.ToList(),
            Env = spec.Env.ToList(),
            Labels = spec.Labels.ToDictionary(),
            Tty = spec.Tty,
            WorkingDir = spec.WorkingDir,
            User = spec.User,
            Healthcheck = spec.Healthcheck is not { } health ? null : new HealthConfig
            {
                Test = ["CMD-SHELL", health.Cmd],
                Interval = health.Interval,
                Timeout = health.Timeout,
                Retries = health.Retries,
            },
            ExposedPorts = ports.Keys.ToDictionary(k => k, _ => default(EmptyStruct)),
            HostConfig = new HostConfig
            {
                Binds = spec.Binds.ToList(),
                ExtraHosts = spec.ExtraHosts.ToList(),
                PortBindings = ports,
                NetworkMode = first?.Name,
                RestartPolicy = spec.RestartPolicy is null ? null : new RestartPolicy { Name = ParseRestartPolicy(spec.RestartPolicy) },
                LogConfig = spec.Log is null ? null : new LogConfig { Type = spec.Log.Driver, Config = spec.Log.Options.ToDictionary() },
            },
            // API 1.41 accepts one network at creation; the others are connected before start.
            NetworkingConfig = first is null ? null : new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings>
                {
                    [first.Name] = new() { Aliases = first.Aliases?.ToList() ?? [] },
                },
            },
        };
    }

    public static IDictionary<string, IDictionary<string, bool>> LabelFilters(IEnumerable<LabelFilter> labels)
    {
        var filters = new Dictionary<string, IDictionary<string, bool>>();
        var label = labels.ToDictionary(l => l.ToDockerFilter(), _ => true);
        if (label.Count > 0)
        {
            filters["label"] = label;
        }

        return filters;
    }

    /// <summary>Docker writes RFC 3339 with nanoseconds (9 digits), more than .NET parses.</summary>
    public static DateTimeOffset? ParseDockerTime(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.StartsWith("0001-01-01", StringComparison.Ordinal))
        {
            return null;
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            var fraction = text[(dot + 1)..end];
            text = string.Concat(text.AsSpan(0, dot + 1), fraction.Length > 7 ? fraction[..7] : fraction, text.AsSpan(end));
            if (fraction.Length == 0)
            {
                text = text.Remove(dot, 1);
            }
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed.ToUniversalTime()
            : null;
    }

    private static DateTimeOffset ToUtc(DateTime value)
        => new(DateTime.SpecifyKind(value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value, DateTimeKind.Utc));

    private static RestartPolicyKind ParseRestartPolicy(string name) => name switch
    {
        "always" => RestartPolicyKind.Always,
        "unless-stopped" => RestartPolicyKind.UnlessStopped,
        "on-failure" => RestartPolicyKind.OnFailure,
        _ => RestartPolicyKind.No,
    };

    private static IReadOnlyDictionary<string, string> Labels(IDictionary<string, string>? labels)
        => labels is null ? NoLabels : new Dictionary<string, string>(labels);

    private static NetworkAttachment ToAttachment(string name, EndpointSettings? e) => new(
        name,
        string.IsNullOrEmpty(e?.NetworkID) ? null : e.NetworkID,
        e?.Aliases?.ToArray() ?? [],
        string.IsNullOrEmpty(e?.IPAddress) ? null : e.IPAddress);

    private static HealthInfo ToHealth(Health? health)
    {
        if (health is null || string.IsNullOrEmpty(health.Status))
        {
            return new HealthInfo("none", 0, null, null, null);
        }

        var last = health.Log?.LastOrDefault();
        return new HealthInfo(
            health.Status,
            (int)health.FailingStreak,
            last?.Output?.TrimEnd(),
            last is null ? null : (int)last.ExitCode,
            last is null ? null : ToUtc(last.End));
    }

    private static List<PortMapping> ToPorts(IDictionary<string, IList<PortBinding>>? ports)
    {
        if (ports is null)
        {
            return [];
        }

        var result = new List<PortMapping>();
        foreach (var (key, bindings) in ports)
        {
            var slash = key.IndexOf('/', StringComparison.Ordinal);
            var containerPort = int.Parse(slash < 0 ? key : key[..slash], CultureInfo.InvariantCulture);
            var protocol = slash < 0 ? "tcp" : key[(slash + 1)..];
            if (bindings is null || bindings.Count == 0)
            {
                result.Add(new PortMapping(null, null, containerPort, protocol));
                continue;
            }

            result.AddRange(bindings.Select(b => new PortMapping(
                string.IsNullOrEmpty(b.HostIP) ? null : b.HostIP,
                int.TryParse(b.HostPort, CultureInfo.InvariantCulture, out var hostPort) ? hostPort : null,
                containerPort,
                protocol)));
        }

        return result;
    }
}
