using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Backups;

/// <summary>What a run will make, and the stores it cannot back up with the reason.</summary>
public sealed record BackupPlan(string Domain, IReadOnlyList<BackupItemPlan> Items, IReadOnlyList<PlanProblem> Problems);

public sealed record PlanProblem(string Store, string Reason);

/// <summary>Finds kobo's containers for the requested stores and turns them into backup items.</summary>
public sealed class BackupPlanner(StackDiscovery discovery, PostgresPrimary postgres, IDockerHosts hosts, IOptionsMonitor<BackupsOptions> options)
{
    private static readonly Dictionary<string, string> ServiceOf = new(StringComparer.Ordinal)
    {
        [BackupStores.Postgres] = "postgres",
        [BackupStores.Mongo] = "mongo",
        [BackupStores.Redis] = "redis_main",
    };

    public async Task<BackupPlan> PlanAsync(IReadOnlyList<string> stores, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var snapshot = await discovery.DiscoverAsync(false, cancellationToken);
        var items = new List<BackupItemPlan>();
        var problems = new List<PlanProblem>();
        var domain = await DomainAsync(snapshot, cancellationToken);
        foreach (var store in stores)
        {
            try
            {
                items.AddRange(await PlanStoreAsync(snapshot, store, domain, at, cancellationToken));
            }
            catch (Exception ex) when (ex is BackupItemException or DockerException)
            {
                problems.Add(new PlanProblem(store, ex.Message));
            }
        }

        return new BackupPlan(domain, items, problems);
    }

    private async Task<IReadOnlyList<BackupItemPlan>> PlanStoreAsync(StackSnapshot snapshot, string store, string domain, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (store == BackupStores.Media)
        {
            return await PlanMediaAsync(snapshot, domain, at, cancellationToken);
        }

        var service = ServiceOf[store];
        string? role = null;
        KoboContainer container;
        if (store == BackupStores.Postgres)
        {
            // The primary only: a secondary is a read-only copy, an unknown role might be one.
            var choice = await postgres.ChooseAsync(snapshot, "back up", cancellationToken);
            container = choice.Primary?.Container ?? throw new BackupItemException(choice.Problem!);
            role = choice.Why();
        }
        else
        {
            container = Single(snapshot, service);
        }

        var engine = hosts.Get(container.Host);
        var details = await engine.InspectContainerAsync(container.Id, cancellationToken);
        var source = new BackupSource(container.Host, container.Id, container.Name, details.Image, service, role);
        return store switch
        {
            BackupStores.Postgres => await PostgresSource.PlanAsync(engine, details, source, domain, at, cancellationToken),
            BackupStores.Mongo => [MongoSource.Plan(engine, details, source, domain, at)],
            _ => [RedisSource.Plan(engine, details, source, domain, at, TimeSpan.FromSeconds(options.CurrentValue.RedisSaveTimeoutSeconds))],
        };
    }

    private async Task<IReadOnlyList<BackupItemPlan>> PlanMediaAsync(StackSnapshot snapshot, string domain, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, BackupItemPlan>(StringComparer.Ordinal);
        // Running holders first; a stopped one still serves through the archive API (a restore's
        // safety backup runs while kpi and the workers are stopped).
        foreach (var c in snapshot.Containers.OrderByDescending(c => c.Running).ThenBy(c => c.Service == "kpi" ? 0 : 1))
        {
            var engine = hosts.Get(c.Host);
            var details = await engine.InspectContainerAsync(c.Id, cancellationToken);
            foreach (var mount in details.Mounts)
            {
                if (MediaSource.VolumeOf(mount) is { } volume && !found.ContainsKey(volume))
                {
                    found[volume] = MediaSource.Plan(engine, details, mount, volume, new BackupSource(c.Host, c.Id, c.Name, details.Image, c.Service), domain, at);
                }
            }
        }

        return found.Count > 0
            ? found.Values.OrderBy(p => p.Database, StringComparer.Ordinal).ToList()
            : throw new BackupItemException("no kobo container mounts kpi_media or kobocat_media_uploads; start kpi and try again.");
    }

    private static KoboContainer Single(StackSnapshot snapshot, string service)
    {
        var running = snapshot.Service(service).Where(c => c.Running).ToList();
        if (running.Count == 0)
        {
            throw new BackupItemException($"no running '{service}' container was found on any Docker host; start it, or check KoboConsole:Docker:Hosts and KoboConsole:Stack:Prefix.");
        }

        var projects = running.Select(c => c.Project).Distinct(StringComparer.Ordinal).ToList();
        return projects.Count == 1
            ? running[0]
            : throw new BackupItemException($"several kobo installs have a running '{service}' ({string.Join(", ", projects)}); set KoboConsole:Stack:Prefix to the one to back up.");
    }

    private async Task<string> DomainAsync(StackSnapshot snapshot, CancellationToken cancellationToken)
    {
        if (options.CurrentValue.Domain is { Length: > 0 } configured)
        {
            return configured;
        }

        foreach (var c in snapshot.Containers.Where(c => c.Running && c.Role == KoboRole.Backend))
        {
            var env = ContainerEnv.Of((await hosts.Get(c.Host).InspectContainerAsync(c.Id, cancellationToken)).Env);
            if (env.GetValueOrDefault("PUBLIC_DOMAIN_NAME") is { Length: > 0 } domain)
            {
                return domain;
            }
        }

        return "kobo";
    }
}
