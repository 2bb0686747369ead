using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.ObjectStorage;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Backups;

/// <summary>Turns a target name from a request into a target, with a reason when it is not configured.</summary>
public sealed class BackupTargetResolver(IOptionsMonitor<BackupsOptions> options, IOptionsMonitor<S3Options> s3Options, ConsoleDb db, StackDiscovery discovery, TimeProvider time)
{
    private const string WorkingDirLabel = "com.docker.compose.project.working_dir";

    public async Task<IBackupTarget> GetAsync(string kind, CancellationToken cancellationToken) => kind switch
    {
        BackupTargets.Disk => new DiskTarget(await DiskRootAsync(cancellationToken)),
        BackupTargets.S3 => new S3Target(CreateS3(), time),
        _ => throw new BackupItemException($"unknown target '{kind}'; use one of: {string.Join(", ", BackupTargets.All)}."),
    };

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

    /// <summary>The configured directory, else kobo's own backups folder when it is on this machine, else the data directory's.</summary>
    public async Task<string> DiskRootAsync(CancellationToken cancellationToken)
    {
        if (options.CurrentValue.Directory is { Length: > 0 } dir)
        {
            return Path.GetFullPath(dir);
        }

        var snapshot = await discovery.DiscoverAsync(false, cancellationToken);
        var workingDir = snapshot.Service("postgres").Concat(snapshot.Containers)
            .Select(c => c.Labels.GetValueOrDefault(WorkingDirLabel)).FirstOrDefault(d => d is { Length: > 0 } && Directory.Exists(d));
        return workingDir is not null ? Path.Combine(workingDir, "backups") : Path.Combine(db.DataDirectory, "backups");
    }
}
