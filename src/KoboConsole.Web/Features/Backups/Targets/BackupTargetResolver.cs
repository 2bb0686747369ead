using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.ObjectStorage;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Backups;

/// <summary>Turns a target name from a request into a target, with a reason when it is not configured.</summary>
public sealed class BackupTargetResolver(
    IOptionsMonitor<BackupsOptions> options, IOptionsMonitor<S3Options> s3Options, ConsoleDb db, StackDiscovery discovery, KoboBindGuard guard, TimeProvider time)
{
    private const string WorkingDirLabel = "com.docker.compose.project.working_dir";

    /// <summary>The console's own folder beside kobo's <c>backups/&lt;service&gt;</c> folders, which kobo binds into its containers.</summary>
    public const string ConsoleFolder = "console";

    public async Task<IBackupTarget> GetAsync(string kind, CancellationToken cancellationToken) => kind switch
    {
        BackupTargets.Disk => new DiskTarget(await DiskRootAsync(cancellationToken)),
        BackupTargets.S3 => new S3Target(CreateS3(), time),
        BackupTargets.Kobo => new KoboFolderTarget(await KoboBackupsFolderAsync(cancellationToken)
            ?? throw new BackupItemException("kobo's backups folder is not on this machine (no kobo container's Compose working_dir exists here).")),
        _ => throw new BackupItemException($"unknown target '{kind}'; use one of: {string.Join(", ", BackupTargets.All)}."),
    };

    /// <summary>
    /// A target to write to: like <see cref="GetAsync"/>, but a disk root that a kobo container binds
    /// (or that holds or sits in such a folder) is refused, since kobo's cron deletes backups there.
    /// </summary>
    public async Task<IBackupTarget> GetForWritingAsync(string kind, CancellationToken cancellationToken)
    {
        var target = await GetAsync(kind, cancellationToken);
        if (target is DiskTarget disk && await guard.ProblemAsync(disk.Root, cancellationToken) is { } problem)
        {
            throw new BackupItemException($"refused: {problem}");
        }

        return target;
    }

    /// <summary>Why the disk target must not be used (see <see cref="KoboBindGuard"/>); null when it is safe.</summary>
    public async Task<string?> DiskProblemAsync(CancellationToken cancellationToken) =>
        await guard.ProblemAsync(await DiskRootAsync(cancellationToken), cancellationToken);

    /// <summary>Every target the catalog reads: disk, S3 when configured, and kobo's own folders when they are on this machine.</summary>
    public async Task<IReadOnlyList<string>> ReadableKindsAsync(CancellationToken cancellationToken)
    {
        var kinds = new List<string> { BackupTargets.Disk };
        if (S3Configured)
        {
            kinds.Add(BackupTargets.S3);
        }

        // Unless the disk target was pointed at kobo's folders by hand (refused for writing, but then
        // the same files would be listed twice under two ids).
        // Only a configured directory can be kobo's folder (the default is its console/ subfolder).
        if (await KoboBackupsFolderAsync(cancellationToken) is { } kobo && Directory.Exists(kobo)
            && !(options.CurrentValue.Directory is { Length: > 0 } dir
                && string.Equals(Path.GetFullPath(kobo).TrimEnd('/'), Path.GetFullPath(dir).TrimEnd('/'), StringComparison.Ordinal)))
        {
            kinds.Add(BackupTargets.Kobo);
        }

        return kinds;
    }

    public const string NoBucket = "'s3' has no bucket configured: set KoboConsole:Backups:S3:Bucket (and its credentials) to use target 's3', or use 'disk'.";

    public bool S3Configured => s3Options.CurrentValue.Bucket is { Length: > 0 };

    /// <summary>A new object store for the configured bucket (the caller disposes it, through the target).</summary>
    public IObjectStore CreateS3()
    {
        if (!S3Configured)
        {
            throw new BackupItemException(NoBucket);
        }

        try
        {
            return ObjectStores.Create(s3Options.CurrentValue);
        }
        catch (Exception ex) when (ex is ObjectStoreException or IOException or UnauthorizedAccessException)
        {
            throw new BackupItemException($"the S3 target cannot be set up: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The configured directory, else the console's own folder beside kobo's backup folders
    /// (<c>&lt;kobo-docker&gt;/backups/console</c>) when kobo-docker is on this machine, else the data directory's.
    /// </summary>
    public async Task<string> DiskRootAsync(CancellationToken cancellationToken)
    {
        if (options.CurrentValue.Directory is { Length: > 0 } dir)
        {
            return Path.GetFullPath(dir);
        }

        return await KoboBackupsFolderAsync(cancellationToken) is { } kobo
            ? Path.Combine(kobo, ConsoleFolder)
            : Path.Combine(db.DataDirectory, "backups");
    }

    /// <summary>kobo's own <c>&lt;kobo-docker&gt;/backups</c> when Compose's working_dir is on this machine; null otherwise.</summary>
    public async Task<string?> KoboBackupsFolderAsync(CancellationToken cancellationToken)
    {
        var snapshot = await discovery.DiscoverAsync(false, cancellationToken);
        var workingDir = snapshot.Service("postgres").Concat(snapshot.Containers)
            .Select(c => c.Labels.GetValueOrDefault(WorkingDirLabel)).FirstOrDefault(d => d is { Length: > 0 } && Directory.Exists(d));
        return workingDir is null ? null : Path.Combine(workingDir, "backups");
    }
}
