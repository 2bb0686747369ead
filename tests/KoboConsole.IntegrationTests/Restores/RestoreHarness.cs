using System.Text.Json;
using KoboConsole.IntegrationTests.Backups;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Restores.Stores;

namespace KoboConsole.IntegrationTests.Restores;

/// <summary>Helpers shared by the restore tests.</summary>
internal static class RestoreHarness
{
    public static async Task<string> RedisAsync(BackupHarness h, params string[] args)
    {
        var r = await BackupHarness.DockerAsync(["exec", "-e", $"REDISCLI_AUTH={h.Stack.Values["redis_password"]}", h.Stack.Containers["redis_main"], "redis-cli", .. args]);
        Assert.True(r.ExitCode == 0, r.StdErr);
        return r.StdOut;
    }

    /// <summary>A finished run's error and log, for assertion messages.</summary>
    public static string Describe(JsonElement run) =>
        $"{run.GetProperty("error")}\n{string.Join('\n', run.GetProperty("log").EnumerateArray().Select(l => l.GetString()))}";
}

/// <summary>Opens backups of one target as hashing streams.</summary>
internal sealed class BackupTargetReader(IBackupTarget target)
{
    public Task<BackupStream> OpenAsync(string key) => BackupStream.OpenAsync(target, key, CancellationToken.None);
}
