namespace KoboConsole.Web.Features.Checks;

/// <summary>
/// Redis's own start-up warnings about the host kernel, read through a Redis container (the files
/// below are visible inside containers): <c>vm.overcommit_memory</c> not 1 (a background save
/// can fail under memory pressure), transparent huge pages <c>always</c> (latency and memory
/// spikes on fork), and <c>net.core.somaxconn</c> below the running Redis's <c>tcp-backlog</c> (connections
/// refused under load). Each message carries the command that fixes it on the host.
/// </summary>
public static class HostKernel
{
    public const string Overcommit = "/proc/sys/vm/overcommit_memory";
    public const string HugePages = "/sys/kernel/mm/transparent_hugepage/enabled";
    public const string Somaxconn = "/proc/sys/net/core/somaxconn";

    /// <summary>Redis's default <c>tcp-backlog</c>, used when the running server's value cannot be read.</summary>
    public const int RedisTcpBacklog = 511;

    /// <summary>The key under which <see cref="ReadCommand"/> prints the running Redis's <c>tcp-backlog</c>.</summary>
    public const string TcpBacklog = "tcp-backlog";

    /// <summary>
    /// Prints each file as <c>path=value</c> (empty when unreadable), then the running Redis's
    /// <c>tcp-backlog</c> (CONFIG GET through redis-cli on kobo's ports 6379 and 6380; the password
    /// is passed from the container's own environment in REDISCLI_AUTH, never on a command line), in one exec.
    /// </summary>
    public static readonly IReadOnlyList<string> ReadCommand =
        ["sh", "-c", $"for f in {Overcommit} {HugePages} {Somaxconn}; do echo \"$f=$(cat $f 2>/dev/null)\"; done; "
            + "for p in 6379 6380; do v=$(REDISCLI_AUTH=\"$REDIS_PASSWORD\" redis-cli --no-auth-warning -p $p CONFIG GET tcp-backlog 2>/dev/null | tail -n 1); "
            + $"case \"$v\" in ''|*[!0-9]*) ;; *) echo \"{TcpBacklog}=$v\"; break ;; esac; done"];

    /// <summary>The <c>path=value</c> lines as a map.</summary>
    public static IReadOnlyDictionary<string, string> Parse(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('=', 2))
            .Where(p => p.Length == 2)
            .GroupBy(p => p[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last()[1].Trim(), StringComparer.Ordinal);

    /// <summary>The selected word of a sysfs choice: "always [madvise] never" → madvise.</summary>
    public static string? Selected(string? choices) =>
        choices is null ? null
        : choices.IndexOf('[', StringComparison.Ordinal) is var open and >= 0 && choices.IndexOf(']', open) is var close and > 0 ? choices[(open + 1)..close]
        : choices.Length > 0 ? choices : null;

    /// <summary>The three checks for one Docker host, from the values read in <paramref name="container"/>.</summary>
    public static IReadOnlyList<CheckResult> Evaluate(string host, string container, IReadOnlyDictionary<string, string> values)
    {
        CheckResult Unread(string name, string path) =>
            new(CheckKinds.HostKernel, $"{name}@{host}", CheckStates.Unknown, $"{path} could not be read in {container}.");

        var results = new List<CheckResult>();
        results.Add(values.GetValueOrDefault(Overcommit) is { Length: > 0 } oc
            ? oc == "1"
                ? new(CheckKinds.HostKernel, $"overcommit_memory@{host}", CheckStates.Ok, $"vm.overcommit_memory is 1 on {host}, as Redis wants.")
                : new(CheckKinds.HostKernel, $"overcommit_memory@{host}", CheckStates.Warning,
                    $"vm.overcommit_memory is {oc} on {host}: Redis's background save (and with it the Redis backup) can fail when memory is tight. "
                    + "On the host run: sudo sysctl -w vm.overcommit_memory=1 && echo 'vm.overcommit_memory = 1' | sudo tee /etc/sysctl.d/60-kobo-redis.conf")
            : Unread("overcommit_memory", Overcommit));

        results.Add(Selected(values.GetValueOrDefault(HugePages)) is { } thp
            ? thp == "always"
                ? new(CheckKinds.HostKernel, $"transparent_hugepage@{host}", CheckStates.Warning,
                    $"Transparent huge pages are 'always' on {host}: Redis gets latency and memory spikes when it forks to save. "
                    + "On the host run: echo madvise | sudo tee /sys/kernel/mm/transparent_hugepage/enabled (and add transparent_hugepage=madvise to GRUB_CMDLINE_LINUX to keep it after a reboot), then restart Redis.")
                : new(CheckKinds.HostKernel, $"transparent_hugepage@{host}", CheckStates.Ok, $"Transparent huge pages are '{thp}' on {host}.")
            : Unread("transparent_hugepage", HugePages));

        var running = int.TryParse(values.GetValueOrDefault(TcpBacklog), System.Globalization.CultureInfo.InvariantCulture, out var read) && read > 0;
        var backlog = running ? read : RedisTcpBacklog;
        var which = running ? $"Redis's running tcp-backlog {backlog}" : $"Redis's default tcp-backlog {backlog} (the running value could not be read)";
        results.Add(int.TryParse(values.GetValueOrDefault(Somaxconn), System.Globalization.CultureInfo.InvariantCulture, out var somaxconn)
            ? somaxconn < backlog
                ? new(CheckKinds.HostKernel, $"somaxconn@{host}", CheckStates.Warning,
                    $"net.core.somaxconn is {somaxconn} in {container}, below {which}: connections are refused under load. "
                    + "The value is per network namespace: add sysctls: [net.core.somaxconn=1024] to the redis services in kobo-docker's docker-compose.backend.override.yml and recreate them "
                    + "(with host networking: sudo sysctl -w net.core.somaxconn=1024 on the host).")
                : new(CheckKinds.HostKernel, $"somaxconn@{host}", CheckStates.Ok, $"net.core.somaxconn is {somaxconn} in {container}, not below {which}.")
            : Unread("somaxconn", Somaxconn));
        return results;
    }
}
