using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Features.Topology;
using KoboConsole.Web.Features.Topology.Health;
using KoboConsole.Web.Infrastructure.Docker;
using KoboConsole.Web.Infrastructure.Probes;

namespace KoboConsole.Web.Features.Checks;

/// <summary>
/// Reads what the capacity rules (<see cref="Capacity"/>) judge: free space through <c>df</c> in the
/// containers that hold kobo's data and on the disk backup target, Redis's and PostgreSQL's own
/// numbers through the probes, and each container's log driver from its inspect.
/// </summary>
public sealed class CapacityChecks(IDockerHosts hosts, IRedisProbe redis, IPostgresProbe postgres, BackupTargetResolver targets, CapacitySamples samples)
{
    /// <summary>The filesystems watched in containers: the service, its data path, and what to say when it fills.</summary>
    private static readonly (string Service, string Path, string What, string Advice)[] Volumes =
    [
        ("postgres", "/var/lib/postgresql/data", "PostgreSQL's data", "Grow the disk holding Docker's volumes, or free space on it (old images: docker image prune)."),
        ("mongo", "/data/db", "MongoDB's data", "Grow the disk holding Docker's volumes, or free space on it (old images: docker image prune)."),
        ("kpi", "/srv/src/kpi/media", "kpi's media (attachments)", "Grow the disk holding kobo's .vols folder, or move media to object storage."),
    ];

    /// <summary>KoBoCAT's submission attachments: mounted by kpi in current kobo-docker, by kobocat in older ones. Checked where mounted.</summary>
    private static readonly (string Service, string Path, string What, string Advice) KobocatMedia =
        ("kobocat_media", "/srv/src/kobocat/media", "KoBoCAT's media (submission attachments)", "Grow the disk holding kobo's .vols folder, or move media to object storage.");

    private static readonly (string Service, string Path, string What, string Advice) DockerRoot =
        ("docker-root", "/", "Docker's data root (images, containers, container logs)",
         "Free space with docker image prune and docker container prune, cap container logs (log rotation check), or grow the disk.");

    public async Task<IReadOnlyList<CheckResult>> RunAsync(TopologyView view, ChecksOptions o, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var results = new List<CheckResult>();
        foreach (var c in view.Containers.Where(c => c.State == "running"))
        {
            ContainerDetails details;
            try
            {
                details = await hosts.Get(c.Host).InspectContainerAsync(c.Id, cancellationToken);
            }
            catch (DockerException)
            {
                continue; // the container checks report what is wrong with it
            }

            var target = ContainerChecks.Target(view, c);
            results.Add(Capacity.LogRotation(target, details.Log?.Driver, details.Log?.Options ?? new Dictionary<string, string>()));
            foreach (var v in Volumes.Where(v => v.Service == c.Service))
            {
                results.Add(await VolumeAsync(c, target, v, o, now, cancellationToken));
            }

            // Several containers mount it (kpi and the workers): read it once per host, named by the host so its history holds.
            if (details.Mounts.Any(m => m.Destination == KobocatMedia.Path) && results.All(r => r.Target != $"{KobocatMedia.Service}@{c.Host}"))
            {
                results.Add(await VolumeAsync(c, c.Host, KobocatMedia, o, now, cancellationToken));
            }

            if (c.Service is "redis_main" or "redis_cache" or "postgres")
            {
                results.Add(await ServerAsync(c, target, details, o, cancellationToken));
            }
        }

        // Docker's data root (images, containers' own layers, their json-file logs): a container's root
        // filesystem is an overlay whose upper layer lives there, so df of / in any running container
        // of the host reads that disk. Once per host.
        foreach (var c in view.Containers.Where(c => c.State == "running").DistinctBy(c => c.Host))
        {
            results.Add(await VolumeAsync(c, c.Host, DockerRoot, o, now, cancellationToken));
        }

        // The kernel is the host's: read it once per host, through a Redis container (whose somaxconn is the one Redis sees).
        foreach (var c in view.Containers.Where(c => c.State == "running" && c.Service is "redis_main" or "redis_cache").DistinctBy(c => c.Host))
        {
            results.AddRange(await KernelAsync(c, cancellationToken));
        }

        results.Add(await BackupDiskAsync(o, now, cancellationToken));
        return results;
    }

    private async Task<CheckResult> VolumeAsync(TopologyContainer c, string container, (string Service, string Path, string What, string Advice) v, ChecksOptions o, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var target = $"{v.Service}@{container}";
        try
        {
            var df = await hosts.Get(c.Host).ExecAsync(c.Id, ["df", "-Pk", v.Path], cancellationToken);
            if (df.ExitCode != 0 || Capacity.ParseDf(df.Stdout) is not { } space)
            {
                return new CheckResult(CheckKinds.Disk, target, CheckStates.Unknown, $"df -Pk {v.Path} in {c.Name} failed (exit {df.ExitCode}): {df.Stderr.Trim()}");
            }

            return await JudgeAsync(target, $"{v.What} ({v.Path} in {c.Name})", v.Advice, new DiskSample(now, space.Used, space.Free), o, cancellationToken);
        }
        catch (DockerException ex)
        {
            return new CheckResult(CheckKinds.Disk, target, CheckStates.Unknown, $"The console could not run df in {c.Name}: {ex.Message}");
        }
    }

    private async Task<IReadOnlyList<CheckResult>> KernelAsync(TopologyContainer c, CancellationToken cancellationToken)
    {
        try
        {
            var r = await hosts.Get(c.Host).ExecAsync(c.Id, HostKernel.ReadCommand, cancellationToken);
            return HostKernel.Evaluate(c.Host, c.Name, HostKernel.Parse(r.Stdout));
        }
        catch (DockerException ex)
        {
            return [new CheckResult(CheckKinds.HostKernel, $"overcommit_memory@{c.Host}", CheckStates.Unknown, $"The console could not read the kernel settings through {c.Name}: {ex.Message}")];
        }
    }

    private async Task<CheckResult> BackupDiskAsync(ChecksOptions o, DateTimeOffset now, CancellationToken cancellationToken)
    {
        const string target = "backups@disk";
        var root = await targets.DiskRootAsync(cancellationToken);
        var existing = root;
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            existing = parent; // not created yet: the filesystem it will be created on
        }

        try
        {
            var drive = new DriveInfo(existing);
            var free = drive.AvailableFreeSpace;
            return await JudgeAsync(target, $"the disk backup target ({root})", "Delete old backups (backups page) or shorten the schedules' retention, or grow the disk.",
                new DiskSample(now, drive.TotalSize - drive.TotalFreeSpace, free), o, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return new CheckResult(CheckKinds.Disk, target, CheckStates.Unknown, $"The console cannot read the free space of {root}: {ex.Message}");
        }
    }

    private async Task<CheckResult> JudgeAsync(string target, string what, string advice, DiskSample sample, ChecksOptions o, CancellationToken cancellationToken)
    {
        var history = await samples.AddAsync(target, sample, sample.At.AddDays(-o.ForecastDays), cancellationToken);
        return Capacity.Disk(target, what, advice, sample, Capacity.Forecast(history), o);
    }

    private async Task<CheckResult> ServerAsync(TopologyContainer c, string target, ContainerDetails details, ChecksOptions o, CancellationToken cancellationToken)
    {
        var isRedis = c.Service != "postgres";
        var kind = isRedis ? CheckKinds.RedisMemory : CheckKinds.PostgresConnections;
        var env = ContainerEnv.Of(details.Env);
        var errors = new List<string>();
        foreach (var a in ProbeAddresses.For(details, ServiceHealth.Ports[c.Service], hosts.Get(c.Host).Endpoint))
        {
            try
            {
                if (isRedis)
                {
                    var r = await redis.ProbeAsync(new ProbeTarget(a.Address, a.Port, null, env.GetValueOrDefault("REDIS_PASSWORD"), ServiceHealth.Timeout), cancellationToken);
                    return Capacity.RedisMemory(target, r.UsedMemoryBytes, r.MaxMemoryBytes, o);
                }

                var pg = await postgres.ProbeAsync(new ProbeTarget(a.Address, a.Port, env.GetValueOrDefault("POSTGRES_USER"), env.GetValueOrDefault("POSTGRES_PASSWORD"), ServiceHealth.Timeout), [], cancellationToken);
                return Capacity.PostgresConnections(target, pg.Connections, pg.MaxConnections, o);
            }
            catch (ProbeFailedException ex)
            {
                errors.Add(ex.Message);
            }
        }

        return new CheckResult(kind, target, CheckStates.Unknown, errors.Count == 0
            ? $"{c.Name} has no address the console could reach."
            : $"{c.Name} did not answer, so its {(isRedis ? "memory" : "connections")} could not be read: {errors[0]}");
    }
}
