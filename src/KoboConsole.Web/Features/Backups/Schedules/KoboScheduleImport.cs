using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Backups.Schedules;

/// <summary>A schedule kobo-install wrote into the containers' environment, offered for import (never applied silently).</summary>
public sealed record KoboSchedule(string Store, string Variable, string Cron);

/// <summary>Reads <c>POSTGRES/MONGO/REDIS_BACKUP_SCHEDULE</c> from the back-end containers (commented-out values mean "off").</summary>
public sealed class KoboScheduleImport(StackDiscovery discovery, IDockerHosts hosts)
{
    private static readonly (string Service, string Store, string Variable)[] Sources =
    [
        ("postgres", BackupStores.Postgres, "POSTGRES_BACKUP_SCHEDULE"),
        ("mongo", BackupStores.Mongo, "MONGO_BACKUP_SCHEDULE"),
        ("redis_main", BackupStores.Redis, "REDIS_BACKUP_SCHEDULE"),
    ];

    public async Task<IReadOnlyList<KoboSchedule>> FindAsync(CancellationToken cancellationToken)
    {
        var snapshot = await discovery.DiscoverAsync(false, cancellationToken);
        var found = new List<KoboSchedule>();
        foreach (var (service, store, variable) in Sources)
        {
            if (snapshot.Service(service).FirstOrDefault(c => c.Running) is not { } container)
            {
                continue;
            }

            var env = ContainerEnv.Of((await hosts.Get(container.Host).InspectContainerAsync(container.Id, cancellationToken)).Env);
            if (env.GetValueOrDefault(variable)?.Trim().Trim('"') is { Length: > 0 } cron && !cron.StartsWith('#') && ScheduleRules.Problem(cron, "UTC") is null)
            {
                found.Add(new KoboSchedule(store, variable, cron));
            }
        }

        return found;
    }
}
