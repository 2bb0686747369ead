using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.Docker;
using KoboConsole.Web.Infrastructure.ObjectStorage;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Backups;

/// <summary>
/// What a backup run of a dead console leaves: <c>.partial</c> files and open multipart uploads,
/// recorded per item as they are opened (<see cref="IBackupUpload.Pending"/>). At a SQLite start-up
/// (one console per database) any <c>.partial</c> file in the backup directory is left over too.
/// </summary>
public sealed class BackupRunCleanup(RunStore runs, BackupTargetResolver targets, BackupWebhook webhook, ConsoleDb db, ILogger<BackupRunCleanup> logger) : IRunCleanup
{
    public const string DiskPrefix = "disk:";
    public const string S3Prefix = "s3:";

    public string Kind => BackupRunner.Kind;

    public async Task CleanAsync(OrphanRun run, bool atStartup, CancellationToken cancellationToken)
    {
        foreach (var pending in run.Pending)
        {
            try
            {
                var what = await RemoveAsync(pending, cancellationToken);
                await runs.LogAsync(run.Id, $"Clean-up of the interrupted run: {what}", cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectStoreException or BackupItemException)
            {
                Log.CleanupFailed(logger, run.Id, pending, ex.Message);
                await runs.LogAsync(run.Id, $"Clean-up of the interrupted run could not remove {Describe(pending)}: {ex.Message} Remove it by hand.", cancellationToken);
            }
        }

        if (atStartup && db.Provider == StorageProvider.Sqlite)
        {
            await SweepPartialsAsync(cancellationToken);
        }

        await webhook.NotifyAsync(run.Id, cancellationToken);
    }

    private async Task<string> RemoveAsync(string pending, CancellationToken cancellationToken)
    {
        if (pending.StartsWith(DiskPrefix, StringComparison.Ordinal))
        {
            var path = pending[DiskPrefix.Length..];
            File.Delete(path);
            return $"removed the incomplete file {Path.GetFileName(path)}.";
        }

        var (uploadId, key) = SplitS3(pending);
        using var store = targets.CreateS3();
        await store.AbortUploadAsync(key, uploadId, cancellationToken);
        return $"aborted the incomplete upload of {key}.";
    }

    private static (string UploadId, string Key) SplitS3(string pending)
    {
        var rest = pending[S3Prefix.Length..];
        var space = rest.IndexOf(' ', StringComparison.Ordinal);
        return (rest[..space], rest[(space + 1)..]);
    }

    private static string Describe(string pending) =>
        pending.StartsWith(DiskPrefix, StringComparison.Ordinal) ? pending[DiskPrefix.Length..] : "the upload of " + SplitS3(pending).Key;

    private async Task SweepPartialsAsync(CancellationToken cancellationToken)
    {
        string root;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            root = await targets.DiskRootAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is DockerException or OperationCanceledException)
        {
            return; // Docker is away: the recorded pending files were removed above all the same.
        }

        if (!Directory.Exists(root))
        {
            return;
        }

        var partials = Directory.EnumerateFiles(root, "*" + BackupNames.PartialSuffix, SearchOption.AllDirectories).ToList();
        foreach (var file in partials)
        {
            File.Delete(file);
        }

        if (partials.Count > 0)
        {
            Log.PartialsSwept(logger, partials.Count, root);
        }
    }
}
