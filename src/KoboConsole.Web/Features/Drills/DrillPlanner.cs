using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Drills;

/// <summary>
/// What one store's drill restores (the newest backup of each of its series: each PostgreSQL
/// database, each media volume) and the production container whose image and environment the
/// throwaway copies.
/// </summary>
public sealed record DrillPlan(string Store, IReadOnlyList<BackupEntry> Backups, ProductionSource Production);

/// <summary>A production container as the drill copies it: its image id (exact), command and environment, never its volumes.</summary>
public sealed record ProductionSource(string Host, string ContainerName, string Image, string ImageId, IReadOnlyList<string> Cmd, IReadOnlyList<string> Env);

public sealed class DrillPlanner(BackupCatalog catalog, StackDiscovery discovery, PostgresPrimary postgres, IDockerHosts hosts)
{
    private static readonly Dictionary<string, string> ServiceOf = new(StringComparer.Ordinal)
    {
        [BackupStores.Postgres] = "postgres",
        [BackupStores.Mongo] = "mongo",
        [BackupStores.Redis] = "redis_main",
    };

    /// <summary>
    /// The newest backup per series of <paramref name="store"/> (a PostgreSQL database or a media volume
    /// is a series); missing entries (their file gone) are skipped.
    /// </summary>
    public static IReadOnlyList<BackupEntry> Newest(IEnumerable<BackupEntry> entries, string store) =>
        entries.Where(e => e.Store == store && !e.IsMissing)
            .GroupBy(e => BackupNames.Parse(e.Name)?.Database ?? "", StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Origin == BackupEntry.ConsoleOrigin).First())
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .ToList();

    /// <summary>The reason of a store's drill item when the catalog holds no backup of it; the dashboard reads it as "no backup yet", not as a failed drill.</summary>
    public static string NoBackup(string store) => $"there is no {store} backup to drill; back up {store} first.";

    public async Task<DrillPlan> PlanAsync(string store, CancellationToken cancellationToken)
    {
        IReadOnlyList<BackupEntry> all;
        try
        {
            all = await catalog.ListAsync(store, null, cancellationToken);
        }
        catch (BackupItemException ex)
        {
            throw new DrillException($"the backup catalog cannot be read: {ex.Message}", ex);
        }

        var backups = Newest(all, store);
        if (backups.Count == 0)
        {
            throw new DrillException(NoBackup(store));
        }

        var snapshot = await discovery.DiscoverAsync(false, cancellationToken);
        var production = store switch
        {
            BackupStores.Media => await MediaHolderAsync(snapshot, cancellationToken),
            // The primary's image and environment: a secondary's would make the copy a standby of production.
            BackupStores.Postgres => await SourceAsync(await PrimaryAsync(snapshot, cancellationToken), cancellationToken),
            _ => await SourceAsync(Single(snapshot, ServiceOf[store]), cancellationToken),
        };
        return new DrillPlan(store, backups, production);
    }

    private async Task<ProductionSource> SourceAsync(KoboContainer container, CancellationToken cancellationToken)
    {
        var details = await hosts.Get(container.Host).InspectContainerAsync(container.Id, cancellationToken);
        return new ProductionSource(container.Host, container.Name, details.Image, details.ImageId, details.Cmd, details.Env);
    }

    /// <summary>Media is extracted into a container of the image that serves it (kpi's), on its host.</summary>
    private async Task<ProductionSource> MediaHolderAsync(StackSnapshot snapshot, CancellationToken cancellationToken)
    {
        foreach (var c in snapshot.Containers.Where(c => c.Running).OrderBy(c => c.Service == "kpi" ? 0 : 1))
        {
            var details = await hosts.Get(c.Host).InspectContainerAsync(c.Id, cancellationToken);
            if (details.Mounts.Any(m => MediaSource.VolumeOf(m) is not null))
            {
                return new ProductionSource(c.Host, c.Name, details.Image, details.ImageId, details.Cmd, details.Env);
            }
        }

        throw new DrillException("no running kobo container mounts kpi_media or kobocat_media_uploads, so the drill has no image to extract media into; start kpi and try again.");
    }

    private async Task<KoboContainer> PrimaryAsync(StackSnapshot snapshot, CancellationToken cancellationToken)
    {
        var choice = await postgres.ChooseAsync(snapshot, "drill", cancellationToken);
        return choice.Primary?.Container ?? throw new DrillException(choice.Problem!);
    }

    private static KoboContainer Single(StackSnapshot snapshot, string service)
    {
        var running = snapshot.Service(service).Where(c => c.Running).ToList();
        if (running.Count == 0)
        {
            throw new DrillException($"no running '{service}' container was found, so the drill does not know which image production runs; start it, or check KoboConsole:Stack:Prefix.");
        }

        var projects = running.Select(c => c.Project).Distinct(StringComparer.Ordinal).ToList();
        return projects.Count == 1
            ? running[0]
            : throw new DrillException($"several kobo installs have a running '{service}' ({string.Join(", ", projects)}); set KoboConsole:Stack:Prefix to the one to drill.");
    }
}
