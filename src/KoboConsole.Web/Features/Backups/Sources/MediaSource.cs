using System.IO.Compression;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Backups;

/// <summary>
/// kobo's media volumes (<c>.vols/kpi_media</c>, <c>.vols/kobocat_media_uploads</c>), found in
/// the mounts of a running container, as a tar from Docker's archive API gzipped on the fly.
/// </summary>
internal static class MediaSource
{
    public static readonly IReadOnlyList<string> Volumes = ["kpi_media", "kobocat_media_uploads"];

    /// <summary>The volume name a mount belongs to, when it is one of kobo's media volumes.</summary>
    public static string? VolumeOf(MountInfo mount) =>
        Volumes.FirstOrDefault(v => mount.Source.TrimEnd('/').EndsWith("/" + v, StringComparison.Ordinal)
            || (mount.Name is { } n && (n == v || n.EndsWith("_" + v, StringComparison.Ordinal))));

    public static BackupItemPlan Plan(IContainerEngine engine, ContainerDetails holder, MountInfo mount, string volume, BackupSource source, string domain, DateTimeOffset at) =>
        new(BackupStores.Media, "media", BackupNames.Media(volume, domain, at), volume, "", source,
            (output, ct) => ArchiveAsync(engine, holder, mount.Destination, output, ct));

    private static async Task<ItemFacts> ArchiveAsync(IContainerEngine engine, ContainerDetails holder, string path, Stream output, CancellationToken cancellationToken)
    {
        (long Files, long Bytes) counted;
        try
        {
            await using var tar = await engine.GetArchiveAsync(holder.Id, path, cancellationToken);
            var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true);
            await using (gzip)
            {
                // Counted on the way through, for the restore check (files and bytes).
                await using var tally = new TarTallyStream(gzip);
                await tar.CopyToAsync(tally, 1 << 16, cancellationToken);
                counted = (tally.Files, tally.Bytes);
            }
        }
        catch (Exception ex) when (ex is DockerException or IOException)
        {
            await EnsureSameAsync(engine, holder, path, cancellationToken);
            throw new BackupItemException($"reading {path} from {holder.Name} broke off: {ex.Message}", ex);
        }

        await EnsureSameAsync(engine, holder, path, cancellationToken);
        return new ItemFacts(Note: $"{counted.Files} files, {counted.Bytes} bytes from {path}", FileCount: counted.Files, ContentBytes: counted.Bytes);
    }

    // A stopped holder (kpi during a restore) has no process that could change the files under the archive.
    private static Task EnsureSameAsync(IContainerEngine engine, ContainerDetails holder, string path, CancellationToken cancellationToken) =>
        holder.Running ? ContainerExec.EnsureSameContainerAsync(engine, holder, $"the archive of {path}", cancellationToken) : Task.CompletedTask;
}
