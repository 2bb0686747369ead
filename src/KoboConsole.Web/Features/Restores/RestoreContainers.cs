using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Restores.Stores;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Restores;

/// <summary>kobo's containers a restore writes into: postgres, mongo, redis_main, and the holders of the media volumes.</summary>
public sealed class RestoreContainers(StackDiscovery discovery, PostgresPrimary postgres, IDockerHosts hosts)
{
    private static readonly Dictionary<string, string> ServiceOf = new(StringComparer.Ordinal)
    {
        [BackupStores.Postgres] = "postgres",
        [BackupStores.Mongo] = "mongo",
        [BackupStores.Redis] = "redis_main",
    };

    /// <summary>A media volume: the container that mounts it (any state) and where.</summary>
    public sealed record MediaHolder(KoboContainer Container, ContainerDetails Details, MountInfo Mount);

    public Task<StackSnapshot> DiscoverAsync(CancellationToken cancellationToken) => discovery.DiscoverAsync(false, cancellationToken);

    public async Task<PreflightCheck> CheckAsync(StackSnapshot snapshot, RestoreItem item, CancellationToken cancellationToken)
    {
        var name = $"target of {item.Entry.Name}";
        if (item.Store == BackupStores.Media)
        {
            var holders = snapshot.Containers.Where(c => KoboNames.Writers.Contains(c.Service) || c.Service == "nginx").ToList();
            return holders.Count > 0
                ? new PreflightCheck(name, true, true, $"media volume {item.Database}: looked up in the mounts of {string.Join(", ", holders.Select(h => h.Name).Take(3))} at restore time.")
                : new PreflightCheck(name, false, true, "no kobo front-end container exists to find the media volumes in; start kpi.");
        }

        if (item.Store == BackupStores.Postgres)
        {
            var choice = await postgres.ChooseAsync(snapshot, "restore", cancellationToken);
            return choice.Primary is { } primary
                ? new PreflightCheck(name, true, true, $"{IsRunning(primary.Container)}; restoring into it ({choice.Why()}).")
                : new PreflightCheck(name, false, true, choice.Problem!);
        }

        var running = snapshot.Service(ServiceOf[item.Store]).Where(c => c.Running).ToList();
        return running.Count switch
        {
            0 => new PreflightCheck(name, false, true, $"no running '{ServiceOf[item.Store]}' container; start it, then check again."),
            1 => new PreflightCheck(name, true, true, $"{IsRunning(running[0])}."),
            _ => new PreflightCheck(name, false, true, $"several '{ServiceOf[item.Store]}' containers run ({string.Join(", ", running.Select(r => r.Name))}); set KoboConsole:Stack:Prefix."),
        };
    }

    // "kobobe-postgres-1 is running on Docker host local" ("... on local runs" read as if "local runs" were a thing).
    private static string IsRunning(KoboContainer c) => $"{c.Name} is running on Docker host {c.Host}";

    /// <summary>The running container of a store (postgres, mongo, redis).</summary>
    public async Task<RestoreTarget> TargetAsync(string store, CancellationToken cancellationToken)
    {
        var snapshot = await DiscoverAsync(cancellationToken);
        if (store == BackupStores.Postgres)
        {
            var choice = await postgres.ChooseAsync(snapshot, "restore", cancellationToken);
            return choice.Primary is { } primary
                ? new RestoreTarget(hosts.Get(primary.Container.Host), primary.Container.Id)
                : throw new RestoreStepException(choice.Problem!);
        }

        var running = snapshot.Service(ServiceOf[store]).Where(c => c.Running).ToList();
        return running.Count == 1
            ? new RestoreTarget(hosts.Get(running[0].Host), running[0].Id)
            : throw new RestoreStepException($"expected one running '{ServiceOf[store]}' container, found {running.Count}.");
    }

    /// <summary>The container that mounts a media volume (kpi first), stopped or not.</summary>
    public async Task<MediaHolder> MediaHolderAsync(string volume, CancellationToken cancellationToken)
    {
        var snapshot = await DiscoverAsync(cancellationToken);
        foreach (var c in snapshot.Containers.OrderBy(c => c.Service == "kpi" ? 0 : 1))
        {
            var details = await hosts.Get(c.Host).InspectContainerAsync(c.Id, cancellationToken);
            if (details.Mounts.FirstOrDefault(m => MediaSource.VolumeOf(m) == volume) is { } mount)
            {
                return new MediaHolder(c, details, mount);
            }
        }

        throw new RestoreStepException($"no kobo container mounts the media volume {volume}; the restore cannot know where it lives.");
    }

    /// <summary><c>PUBLIC_DOMAIN_NAME</c> from the containers' environment; null when none sets it.</summary>
    public async Task<string?> PublicDomainAsync(StackSnapshot snapshot, CancellationToken cancellationToken)
    {
        foreach (var c in snapshot.Containers.Where(c => c.Running).OrderBy(c => c.Role == KoboRole.Backend ? 0 : 1))
        {
            try
            {
                var env = ContainerEnv.Of((await hosts.Get(c.Host).InspectContainerAsync(c.Id, cancellationToken)).Env);
                if (env.GetValueOrDefault("PUBLIC_DOMAIN_NAME") is { Length: > 0 } domain)
                {
                    return domain;
                }
            }
            catch (DockerException)
            {
                // Try the next container.
            }
        }

        return null;
    }

    /// <summary>The console's name for the Docker host of the PostgreSQL primary (the confirmation when no domain is known).</summary>
    public async Task<string?> BackendHostNameAsync(StackSnapshot snapshot, CancellationToken cancellationToken)
    {
        if ((await postgres.ChooseAsync(snapshot, "restore", cancellationToken)).Primary is { } primary)
        {
            return primary.Container.Host;
        }

        return snapshot.Service("postgres") is { Count: > 0 } pg ? pg[0].Host : null;
    }

    /// <summary>The PostgreSQL primary and its running secondaries (the restore's replication check).</summary>
    public Task<PostgresChoice> PostgresAsync(StackSnapshot snapshot, CancellationToken cancellationToken) => postgres.ChooseAsync(snapshot, "restore", cancellationToken);
}
