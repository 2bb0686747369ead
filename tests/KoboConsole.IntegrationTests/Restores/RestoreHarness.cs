using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.IntegrationTests.Backups;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Restores.Stores;
using KoboConsole.Web.Features.Runs;

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

    /// <summary>Polls <c>GET /api/v1/runs/{id}</c> until the run has ended (a restore takes PostgreSQL's and Docker's time).</summary>
    public static async Task<JsonElement> WaitEndAsync(HttpClient client, string runId)
    {
        for (var deadline = DateTime.UtcNow.AddMinutes(6); DateTime.UtcNow < deadline; await Task.Delay(500))
        {
            var run = await client.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{runId}");
            if (RunStates.IsFinished(run.GetProperty("state").GetString()!))
            {
                return run;
            }
        }

        throw new TimeoutException($"run {runId} did not finish in 6 minutes");
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
