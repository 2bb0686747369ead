using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Restores.Stores;

/// <summary>
/// kobo's Redis restore, checked: the gzipped rdb is unpacked to a temporary file on the console's
/// host (never into memory), Redis is stopped, the file replaces its dump through Docker's archive
/// API (with the old file's owner), Redis is started and must answer and finish loading.
/// </summary>
public static class RedisRestore
{
    private static readonly byte[] RdbMagic = "REDIS"u8.ToArray();

    public static async Task<StoreRestoreResult> RestoreAsync(RestoreTarget target, Stream gzippedRdb, TimeSpan startTimeout, CancellationToken cancellationToken)
    {
        var redis = await StdinExec.InspectRunningAsync(target, "the Redis restore", cancellationToken);
        var cli = RedisCli.Of(target, redis);
        var path = await cli.RdbPathAsync(cancellationToken);
        var owner = await OwnerAsync(target, path, cancellationToken);
        var dir = path[..path.LastIndexOf('/')];
        var file = path[(path.LastIndexOf('/') + 1)..];
        var work = Directory.CreateTempSubdirectory("kc-redis-restore-");
        try
        {
            var rdb = Path.Combine(work.FullName, file);
            var bytes = await GunzipAsync(gzippedRdb, rdb, cancellationToken);
            var tar = Path.Combine(work.FullName, "rdb.tar");
            await WriteTarAsync(rdb, file, owner, tar, cancellationToken);

            // Redis saves its dataset on shutdown: stop first, so our file is the one it loads. From the
            // stop to the start a cancel is not heard (seconds): it must never leave Redis stopped.
            cancellationToken.ThrowIfCancellationRequested();
            await target.Engine.StopContainerAsync(target.ContainerId, TimeSpan.FromSeconds(30), CancellationToken.None);
            try
            {
                await using var tarStream = File.OpenRead(tar);
                await target.Engine.PutArchiveAsync(target.ContainerId, dir.Length == 0 ? "/" : dir, tarStream, CancellationToken.None);
            }
            catch (DockerException ex)
            {
                throw new RestoreStepException($"replacing {path} in {redis.Name} failed: {ex.Message} {await StartAgainAsync(target, redis.Name)}", ex);
            }

            await target.Engine.StartContainerAsync(target.ContainerId, CancellationToken.None);
            await cli.WaitLoadedAsync(startTimeout, cancellationToken);
            return new StoreRestoreResult(bytes, $"{path} on {redis.Name} replaced ({bytes} bytes unpacked); Redis restarted and loaded it.");
        }
        catch (DockerException ex)
        {
            throw new RestoreStepException($"replacing {path} in {redis.Name} failed: {ex.Message}", ex);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    // The file was not replaced (Docker refused the archive, or broke off writing it): Redis is started
    // again rather than left stopped. With its own file intact it comes back as it was before the
    // restore; a half-written file fails Redis's checksum and Redis says so in its log.
    private static async Task<string> StartAgainAsync(RestoreTarget target, string name)
    {
        try
        {
            await target.Engine.StartContainerAsync(target.ContainerId, CancellationToken.None);
            return $"{name} was started again, with the file Docker left in place (roll back if Redis reports it damaged).";
        }
        catch (DockerException ex)
        {
            return $"{name} could not be started again ({ex.Message}): it is stopped; start it, or roll back.";
        }
    }

    /// <summary>
    /// Redis answers, and holds <paramref name="expectedKeys"/> keys when the manifest knows the
    /// count (keys that expired since the backup may be missing: Redis reports them).
    /// </summary>
    public static async Task<StoreVerification> VerifyAsync(RestoreTarget target, long? expectedKeys, CancellationToken cancellationToken)
    {
        var redis = await StdinExec.InspectRunningAsync(target, "verifying Redis", cancellationToken);
        var cli = RedisCli.Of(target, redis);
        var keys = RedisInfo.KeyCount(await cli.RunAsync("redis-cli INFO keyspace", cancellationToken, "INFO", "keyspace"));
        var persistence = await cli.RunAsync("redis-cli INFO persistence", cancellationToken, "INFO", "persistence");
        var expired = RedisInfo.Field(persistence, "rdb_last_load_keys_expired") ?? 0;
        if (expectedKeys is not { } expected)
        {
            return StoreVerification.Pass($"Redis answers with {keys} keys (no key count in a kobo-made backup to compare).");
        }

        return keys == expected || (keys < expected && keys + expired == expected)
            ? StoreVerification.Pass($"Redis holds {keys} keys, as the manifest counted{(expired > 0 ? $" ({expired} expired while loading)" : "")}.")
            : StoreVerification.Fail($"Redis holds {keys} keys after the restore but the manifest counted {expected}.");
    }

    private static async Task<long> GunzipAsync(Stream gzipped, string path, CancellationToken cancellationToken)
    {
        await using var output = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        try
        {
            await using var gzip = new GZipStream(gzipped, CompressionMode.Decompress, leaveOpen: true);
            await gzip.CopyToAsync(output, 1 << 16, cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            throw new RestoreStepException($"the Redis backup is not a valid gzip stream: {ex.Message}", ex);
        }

        // Whatever follows the gzip member (nothing, in a good file) still counts towards the hash.
        if (gzipped is BackupStream backup)
        {
            await backup.DrainAsync(cancellationToken);
        }

        await output.FlushAsync(cancellationToken);
        output.Position = 0;
        var head = new byte[RdbMagic.Length];
        var n = await output.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        return n == head.Length && head.AsSpan().SequenceEqual(RdbMagic)
            ? output.Length
            : throw new RestoreStepException("the Redis backup does not hold an rdb file (no REDIS header); nothing was changed.");
    }

    private static async Task WriteTarAsync(string rdb, string name, (int Uid, int Gid) owner, string tarPath, CancellationToken cancellationToken)
    {
        await using var tarFile = File.Create(tarPath);
        await using var writer = new TarWriter(tarFile, TarEntryFormat.Pax, leaveOpen: true);
        await using var data = File.OpenRead(rdb);
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = data,
            Uid = owner.Uid,
            Gid = owner.Gid,
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            ModificationTime = DateTimeOffset.UtcNow,
        };
        await writer.WriteEntryAsync(entry, cancellationToken);
    }

    private static async Task<(int Uid, int Gid)> OwnerAsync(RestoreTarget target, string path, CancellationToken cancellationToken)
    {
        try
        {
            var text = await StdinExec.TextAsync(target, ["stat", "-c", "%u %g", path], [], $"reading the owner of {path}", cancellationToken);
            var parts = text.Trim().Split(' ');
            if (parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var uid) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var gid))
            {
                return (uid, gid);
            }
        }
        catch (RestoreStepException)
        {
            // No dump yet, or no stat in the image: the directory's owner is the next best.
        }

        var dir = path[..Math.Max(1, path.LastIndexOf('/'))];
        var dirText = await StdinExec.TextAsync(target, ["stat", "-c", "%u %g", dir], [], $"reading the owner of {dir}", cancellationToken);
        var d = dirText.Trim().Split(' ');
        return (int.Parse(d[0], CultureInfo.InvariantCulture), int.Parse(d[1], CultureInfo.InvariantCulture));
    }
}
