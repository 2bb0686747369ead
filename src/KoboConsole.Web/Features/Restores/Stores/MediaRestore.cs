using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Restores.Stores;

/// <summary>
/// A media backup (a gzipped tar of one media directory, as Docker's archive API made it) put back
/// into that directory. The tar is extracted by <c>tar -xz</c> in a running container that mounts
/// the directory (kobo's writers are stopped during a restore, so the runbook starts a helper
/// container with the same mount; a drill uses its throwaway one) into a staging folder first,
/// so a broken stream leaves the old files in place; only a complete extraction replaces them.
/// </summary>
public static class MediaRestore
{
    public const string Staging = ".kc-restore";

    // $0 is the media directory. The archive holds one top directory (the backed-up folder's name).
    private const string SwapScript =
        """
        set -e
        p="$0"; s="$p/.kc-restore"
        set -- "$s"/* "$s"/.[!.]*
        n=0; root=""
        for f in "$@"; do if [ -e "$f" ]; then n=$((n+1)); root="$f"; fi; done
        if [ "$n" -ne 1 ] || [ ! -d "$root" ]; then echo "the archive does not hold exactly one top directory" >&2; exit 3; fi
        for f in "$p"/* "$p"/.[!.]* "$p"/..?*; do
          if [ "$f" = "$s" ]; then continue; fi
          if [ -e "$f" ] || [ -L "$f" ]; then rm -rf -- "$f"; fi
        done
        for f in "$root"/* "$root"/.[!.]* "$root"/..?*; do
          if [ -e "$f" ] || [ -L "$f" ]; then mv -- "$f" "$p"/; fi
        done
        rm -rf -- "$s"
        """;

    public static async Task<StoreRestoreResult> RestoreAsync(RestoreTarget target, string path, Stream tarGz, CancellationToken cancellationToken)
    {
        var holder = await StdinExec.InspectRunningAsync(target, $"restoring {path}", cancellationToken);
        var counting = tarGz as BackupStream;
        var before = counting?.BytesRead ?? 0;
        await StdinExec.RunAsync(target, holder, new ExecSpec
        {
            Cmd = ["sh", "-c", "rm -rf -- \"$0/.kc-restore\" && mkdir \"$0/.kc-restore\" && exec tar -xzf - -C \"$0/.kc-restore\"", path],
            User = "0",
        }, tarGz, $"extracting the media backup into {path}", cancellationToken);
        // The swap takes moments and must never be cut in half: a cancel is heard before it, not during it.
        cancellationToken.ThrowIfCancellationRequested();
        await StdinExec.RunAsync(target, holder, new ExecSpec { Cmd = ["sh", "-c", SwapScript, path], User = "0" }, Stream.Null,
            $"replacing the files of {path}", CancellationToken.None);
        var bytes = counting is null ? 0 : counting.BytesRead - before;
        return new StoreRestoreResult(bytes, $"{path} in {holder.Name} replaced by the backup's files.");
    }

    /// <summary>Tallies the directory through the archive API (works on stopped containers too) and compares with the manifest.</summary>
    public static async Task<StoreVerification> VerifyAsync(RestoreTarget target, string path, long? expectedFiles, long? expectedBytes, CancellationToken cancellationToken)
    {
        (long Files, long Bytes) actual;
        try
        {
            await using var tar = await target.Engine.GetArchiveAsync(target.ContainerId, path, cancellationToken);
            actual = await TarTallyStream.CountAsync(tar, cancellationToken);
        }
        catch (DockerException ex)
        {
            throw new RestoreStepException($"reading {path} back for the check failed: {ex.Message}", ex);
        }

        if (expectedFiles is null || expectedBytes is null)
        {
            return StoreVerification.Pass($"{path}: {actual.Files} files, {actual.Bytes} bytes (the backup has no counts to compare: an older or kobo-made backup).");
        }

        return actual.Files == expectedFiles && actual.Bytes == expectedBytes
            ? StoreVerification.Pass($"{path}: {actual.Files} files, {actual.Bytes} bytes, as the manifest counted.")
            : StoreVerification.Fail($"{path} holds {actual.Files} files ({actual.Bytes} bytes) after the restore but the manifest counted {expectedFiles} files ({expectedBytes} bytes).");
    }
}
