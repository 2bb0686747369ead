using System.Globalization;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;
using KoboConsole.Web.Infrastructure.Probes;

namespace KoboConsole.Web.Features.Topology.Health;

public sealed record ProbeFact(string Name, string Value);

/// <summary>
/// One probe of one service container: what it found, how it got there, or why it could not.
/// <paramref name="Maintenance"/>: not probed because the maintenance page serves in its place (planned).
/// </summary>
public sealed record ProbeResult(string Service, string Container, string Host, bool Ok, string? Via, IReadOnlyList<ProbeFact> Facts, string? Error, DateTimeOffset At, bool Maintenance = false);

/// <summary>
/// Probes kobo's back-end services and kpi (through nginx) beyond Docker's state, with the
/// credentials from each container's own environment (the values kobo's env files hold).
/// </summary>
public sealed class ServiceHealth(IDockerHosts hosts, IPostgresProbe postgres, IRedisProbe redis, IMongoProbe mongo, TimeProvider time)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    internal static readonly Dictionary<string, int> Ports = new(StringComparer.Ordinal)
    {
        ["postgres"] = 5432,
        ["mongo"] = 27017,
        ["redis_main"] = 6379,
        ["redis_cache"] = 6380,
        ["nginx"] = 80,
    };

    public async Task<IReadOnlyList<ProbeResult>> ProbeAllAsync(TopologyView view, CancellationToken cancellationToken)
    {
        var targets = view.Containers.Where(c => c.State == "running" && Ports.ContainsKey(c.Service));
        var probed = await Task.WhenAll(targets.Select(c => ProbeAsync(c, cancellationToken)));
        return [.. probed, .. InMaintenance(view)];
    }

    // nginx stopped where the maintenance page runs in its place: kpi keeps its row, marked as planned
    // downtime (it used to drop out of the table, as if it had never been there).
    private IEnumerable<ProbeResult> InMaintenance(TopologyView view) =>
        view.Containers
            .Where(c => c.Service == "nginx" && c.State != "running"
                && view.Containers.Any(m => m.Role == "maintenance" && m.State == "running" && m.Host == c.Host))
            .Select(c => new ProbeResult("kpi (through nginx)", c.Name, c.Host, false, null, [],
                "not probed: nginx is stopped while the maintenance page answers in its place", time.GetUtcNow(), Maintenance: true));

    public async Task<ProbeResult> ProbeAsync(TopologyContainer container, CancellationToken cancellationToken)
    {
        var service = container.Service == "nginx" ? "kpi (through nginx)" : container.Service;
        ProbeResult Result(bool ok, string? via, IReadOnlyList<ProbeFact> facts, string? error) =>
            new(service, container.Name, container.Host, ok, via, facts, error, time.GetUtcNow());
        try
        {
            var engine = hosts.Get(container.Host);
            var details = await engine.InspectContainerAsync(container.Id, cancellationToken);
            var env = ContainerEnv.Of(details.Env);
            var addresses = ProbeAddresses.For(details, Ports[container.Service], engine.Endpoint);
            if (addresses.Count == 0)
            {
                return Result(false, null, [], "The container has no published port and no network address the console could try.");
            }

            var errors = new List<string>();
            foreach (var a in addresses)
            {
                try
                {
                    return Result(true, a.Via, await RunAsync(container.Service, a, env, cancellationToken), null);
                }
                catch (ProbeFailedException ex)
                {
                    errors.Add($"{a.Via}: {ex.Message}");
                }
            }

            return Result(false, null, [], string.Join(" | ", errors));
        }
        catch (DockerException ex)
        {
            return Result(false, null, [], ex.Message);
        }
    }

    private async Task<IReadOnlyList<ProbeFact>> RunAsync(string service, ProbeAddress a, IReadOnlyDictionary<string, string> env, CancellationToken cancellationToken)
    {
        string? Env(string key) => env.GetValueOrDefault(key);
        switch (service)
        {
            case "postgres":
                string[] dbs = [Env("KPI_POSTGRES_DB") ?? "koboform", Env("KC_POSTGRES_DB") ?? "kobocat"];
                var pg = await postgres.ProbeAsync(new ProbeTarget(a.Address, a.Port, Env("POSTGRES_USER"), Env("POSTGRES_PASSWORD"), Timeout), dbs, cancellationToken);
                return [new("version", pg.ServerVersion), .. dbs.Select(db => new ProbeFact($"database {db}", pg.DatabaseSizes.TryGetValue(db, out var s) ? Size(s) : "missing")), new("connections", pg.Connections.ToString(CultureInfo.InvariantCulture)),
                    .. ReplicationFacts(PostgresRole.Of(env), pg.Replication)];
            case "mongo":
                var m = await mongo.ProbeAsync(new ProbeTarget(a.Address, a.Port, Env("MONGO_INITDB_ROOT_USERNAME"), Env("MONGO_INITDB_ROOT_PASSWORD"), Timeout), cancellationToken);
                return [new("version", m.Version), .. m.DatabaseSizes.Select(d => new ProbeFact($"database {d.Key}", Size(d.Value)))];
            case "nginx":
                return await KpiHealth.ProbeAsync(a, Env("KOBOFORM_PUBLIC_SUBDOMAIN") ?? "kf", Env("PUBLIC_DOMAIN_NAME"), Timeout, cancellationToken);
            default:
                var r = await redis.ProbeAsync(new ProbeTarget(a.Address, a.Port, null, Env("REDIS_PASSWORD"), Timeout), cancellationToken);
                return
                [
                    new("version", r.Version), new("used memory", Size(r.UsedMemoryBytes)),
                    new("last save", r.LastSaveAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "never"),
                    new("last BGSAVE", r.LastBgsaveOk ? "ok" : "FAILED"),
                ];
        }
    }

    /// <summary>
    /// The configured role beside what the server says, and the lag: "replica &lt;address&gt;" facts on
    /// a primary ("streaming, 120 B behind, replay lag 0.003 s"), "replay delay" and "replay backlog"
    /// on a standby. A role word that contradicts the server is said so.
    /// </summary>
    public static IReadOnlyList<ProbeFact> ReplicationFacts(PostgresRole configured, PostgresReplication? r)
    {
        var facts = new List<ProbeFact> { new("configured role", configured.Word is null ? "not set (standalone)" : configured.Word) };
        if (r is null)
        {
            return facts;
        }

        var contradiction = (configured.IsSecondary && !r.InRecovery) || (configured.IsPrimary && configured.Word is not null && r.InRecovery)
            ? $" (contradicts {PostgresRole.Variable}={configured.Word})"
            : "";
        facts.Add(new("server", (r.InRecovery ? "standby (read-only, in recovery)" : "primary (accepts writes)") + contradiction));
        if (!r.InRecovery)
        {
            if (r.Standbys.Count > 0 || configured.Word is not null)
            {
                facts.Add(new("standbys", r.Standbys.Count.ToString(CultureInfo.InvariantCulture)));
            }

            facts.AddRange(r.Standbys.Select(s => new ProbeFact($"replica {s.Client}",
                $"{s.State}, {s.BytesBehind.ToString(CultureInfo.InvariantCulture)} B behind, replay lag {(s.ReplayLag is { } lag ? Seconds(lag) : "none reported (idle)")}")));
            return facts;
        }

        facts.Add(new("upstream", $"{r.UpstreamHost ?? "unknown"} ({r.ReceiverStatus ?? "no WAL receiver"})"));
        facts.Add(new("replay delay", r.SinceLastReplay is { } since ? $"{Seconds(since)} since the last replayed transaction" : "nothing replayed yet"));
        facts.Add(new("replay backlog", r.ReplayBacklogBytes is { } backlog ? $"{backlog.ToString(CultureInfo.InvariantCulture)} B received, not replayed" : "unknown"));
        return facts;
    }

    private static string Seconds(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.###} s");

    public static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };
}
