using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Backups;

/// <summary>Turns a target name from a request into a target, with a reason when it is not configured.</summary>
public sealed class BackupTargetResolver(IOptionsMonitor<BackupsOptions> options, ConsoleDb db, StackDiscovery discovery)
{
    private const string WorkingDirLabel = "com.docker.compose.project.working_dir";

    public async Task<IBackupTarget> GetAsync(string kind, CancellationToken cancellationToken) => kind switch
    {
        BackupTargets.Disk => new DiskTarget(await DiskRootAsync(cancellationToken)),
        BackupTargets.S3 => throw new BackupItemException("the S3 target is not available in this release; use target 'disk'."),
        _ => throw new BackupItemException($"unknown target '{kind}'; use one of: {string.Join(", ", BackupTargets.All)}."),
    };

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
