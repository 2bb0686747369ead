using System.Globalization;
using System.IO.Compression;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Backups;

/// <summary>
/// <c>redis_main</c> as kobo restores it (the rdb file, gzipped), but fresh: BGSAVE, wait until
/// LASTSAVE moves and the save reports ok, then stream the file out through gzip.
/// </summary>
internal static class RedisSource
{
    public static BackupItemPlan Plan(IContainerEngine engine, ContainerDetails redis, BackupSource source, string domain, DateTimeOffset at, TimeSpan saveTimeout)
    {
        var env = ContainerEnv.Of(redis.Env);
        var version = env.GetValueOrDefault("REDIS_VERSION") is { Length: > 0 } v ? v : "unknown";
        // redis-cli reads the password from REDISCLI_AUTH, so it is never on a command line.
        string[] execEnv = env.TryGetValue("REDIS_PASSWORD", out var password) && password.Length > 0 ? [$"REDISCLI_AUTH={password}"] : [];
        return new BackupItemPlan(BackupStores.Redis, "redis", BackupNames.Redis(version, domain, at), null, version, source,
            (output, ct) => SaveAndStreamAsync(engine, redis.Id, execEnv, saveTimeout, output, ct));
    }

    private static async Task<ItemFacts> SaveAndStreamAsync(IContainerEngine engine, string id, string[] env, TimeSpan saveTimeout, Stream output, CancellationToken cancellationToken)
    {
        Task<string> Cli(string what, params string[] args) =>
            ContainerExec.TextAsync(engine, id, ["redis-cli", .. args], env, what, cancellationToken);

        var lastSave = await LongAsync(Cli("redis-cli LASTSAVE", "LASTSAVE"));
        // LASTSAVE has one-second resolution: start the save in a later second than the last one, so it visibly moves.
        while (await LongAsync(Cli("redis-cli TIME", "TIME")) <= lastSave)
        {
            await Task.Delay(200, cancellationToken);
        }

        var keysBefore = RedisInfo.KeyCount(await Cli("redis-cli INFO keyspace", "INFO", "keyspace"));
        var started = (await Cli("redis-cli BGSAVE", "BGSAVE")).Trim();
        if (!started.Contains("started", StringComparison.OrdinalIgnoreCase) && !started.Contains("scheduled", StringComparison.OrdinalIgnoreCase))
        {
            throw new BackupItemException($"Redis refused BGSAVE: {started}");
        }

        var deadline = DateTimeOffset.UtcNow + saveTimeout;
        while (await LongAsync(Cli("redis-cli LASTSAVE", "LASTSAVE")) <= lastSave)
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new BackupItemException($"Redis did not finish BGSAVE within {saveTimeout.TotalSeconds:0} s; check its log for fork or disk errors.");
            }

            await Task.Delay(200, cancellationToken);
        }

        var info = await Cli("redis-cli INFO persistence", "INFO", "persistence");
        if (!info.Contains("rdb_last_bgsave_status:ok", StringComparison.Ordinal))
        {
            throw new BackupItemException("Redis reports its last background save failed (rdb_last_bgsave_status is not ok); check its log and disk space.");
        }

        // The count a restore is checked against; writers that changed keys around the save make it unknown rather than wrong.
        var keysAfter = RedisInfo.KeyCount(await Cli("redis-cli INFO keyspace", "INFO", "keyspace"));
        long? keyCount = keysAfter == keysBefore ? keysBefore : null;
        var path = await RdbPathAsync(Cli);
        var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true);
        await using (gzip)
        {
            await ContainerExec.StreamAsync(engine, id, new ExecSpec { Cmd = ["cat", path] }, gzip, $"reading {path}", cancellationToken);
        }

        var keys = keyCount is { } k ? $"{k} keys" : $"key count unknown (it moved from {keysBefore} to {keysAfter} during the save)";
        return new ItemFacts(Note: $"BGSAVE at {DateTimeOffset.FromUnixTimeSeconds(lastSave):O} moved LASTSAVE; streamed {path}; {keys}", KeyCount: keyCount);
    }

    private static async Task<string> RdbPathAsync(Func<string, string[], Task<string>> cli)
    {
        try
        {
            var dir = Second(await cli("redis-cli CONFIG GET dir", ["CONFIG", "GET", "dir"]));
            var file = Second(await cli("redis-cli CONFIG GET dbfilename", ["CONFIG", "GET", "dbfilename"]));
            if (dir is not null && file is not null)
            {
                return dir.TrimEnd('/') + "/" + file;
            }
        }
        catch (BackupItemException)
        {
            // CONFIG can be renamed away; kobo's own path is the fallback.
        }

        return "/data/enketo-main.rdb";
    }

    private static string? Second(string reply)
    {
        var lines = reply.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length >= 2 ? lines[1] : null;
    }

    private static async Task<long> LongAsync(Task<string> reply)
    {
        var first = (await reply).Split('\n', StringSplitOptions.TrimEntries)[0];
        return long.TryParse(first, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new BackupItemException($"Redis answered '{first}' where a number was expected; check REDIS_PASSWORD in the container's environment.");
    }
}
