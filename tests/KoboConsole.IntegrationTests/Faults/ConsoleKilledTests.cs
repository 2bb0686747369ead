using System.Text.Json;
using KoboConsole.IntegrationTests.Backups;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Testing;

namespace KoboConsole.IntegrationTests.Faults;

/// <summary>
/// The console process SIGKILLed in the middle of a backup and started again on the same data:
/// the start-up recovery fails the run ("interrupted: the console process running it stopped"), removes the partial
/// file or aborts the multipart upload, and releases the store's lock so a new backup runs.
/// With PostgreSQL storage and two instances, the survivor does the same once the dead one's
/// heartbeats are stale (decision 0009).
/// </summary>
public sealed class ConsoleKilledTests(TestBedFixture fixture, StrictS3Fixture s3, ConsolePostgresFixture pg)
    : IClassFixture<StrictS3Fixture>, IClassFixture<ConsolePostgresFixture>, IClassFixture<TestBedFixture>
{
    [Fact]
    public async Task Backup_ConsoleKilledMidDumpToDisk_FailedPartialRemovedAndLockReleased()
    {
        var stack = await fixture.RentAsync("prefixed", "q", [], CancellationToken.None);
        var id = stack.Stack;
        var dir = Directory.CreateTempSubdirectory("kc-fault-backups-").FullName;
        try
        {
            await FaultConsole.CreateBigTableAsync(stack, 1_500_000);
            await using var console = await FaultConsole.StartAsync(stack.Prefix!, new()
            {
                ["KoboConsole__Backups__Directory"] = dir,
                ["KoboConsole__Backups__ItemRetries"] = "0",
            });
            var runId = await console.StartBackupAsync("postgres", "disk");
            var during = await console.WaitRunAsync(runId, FaultConsole.Streamed(1_000_000), TimeSpan.FromMinutes(2));
            Assert.Equal("running", during.GetProperty("state").GetString());
            Assert.Contains(Files(dir), f => f.EndsWith(".pg_dump.partial", StringComparison.Ordinal));

            await console.KillAndRestartAsync();

            // The recovery runs before the restarted console listens: no waiting needed.
            var run = await console.RunAsync(runId);
            AssertFailedAndPartialRemoved(run, dir);

            var next = await console.StartBackupAsync("postgres", "disk");
            var again = await console.WaitRunAsync(next, FaultConsole.Finished, TimeSpan.FromMinutes(4));
            AssertSucceededWithoutWaiting(again);
            Assert.Equal(2, Files(dir).Count(f => f.EndsWith(".pg_dump", StringComparison.Ordinal)));
        }
        finally
        {
            await fixture.ReturnAsync(stack, []);
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Backup_OneOfTwoPostgresInstancesKilledMidDump_OtherFailsTheRunRemovesThePartialAndReleasesTheLock()
    {
        var stack = await fixture.RentAsync("prefixed", "p", [], CancellationToken.None);
        var id = stack.Stack;
        var dir = Directory.CreateTempSubdirectory("kc-fault-backups-").FullName;
        try
        {
            await FaultConsole.CreateBigTableAsync(stack, 1_500_000);
            var environment = new Dictionary<string, string>
            {
                ["KoboConsole__Storage__Provider"] = "PostgreSql",
                ["KoboConsole__Storage__ConnectionString"] = pg.ConnectionString,
                ["KoboConsole__Backups__Directory"] = dir,
                ["KoboConsole__Backups__ItemRetries"] = "0",
            };
            await using var first = await FaultConsole.StartAsync(stack.Prefix!, environment);
            await using var second = await FaultConsole.StartAsync(stack.Prefix!, environment);
            var runId = await first.StartBackupAsync("postgres", "disk");
            var during = await first.WaitRunAsync(runId, FaultConsole.Streamed(1_000_000), TimeSpan.FromMinutes(2));
            // Either instance's Hangfire server may have taken the job: kill the one running it.
            var owner = await OwnerPidAsync(runId);
            var (killed, survivor) = owner == first.ProcessId ? (first, second) : (second, first);
            Assert.Equal(owner, killed.ProcessId);
            Assert.Equal("running", during.GetProperty("state").GetString());
            Assert.Contains(Files(dir), f => f.EndsWith(".pg_dump.partial", StringComparison.Ordinal));

            await killed.KillAsync();

            // No restart: the survivor claims the run once its owner missed heartbeats for
            // RunRecovery.StaleAfter (45 s), at its next 10 s look (the deadline is generous). The
            // claim fails the run first and then cleans, each step logged: wait for the clean-up's line.
            var run = await survivor.WaitRunAsync(runId, r => FaultConsole.Finished(r) && Log(r).Exists(l => l.Contains("Clean-up of the interrupted run", StringComparison.Ordinal)), TimeSpan.FromMinutes(3));
            AssertFailedAndPartialRemoved(run, dir);

            // The dead run's lease on the store is gone: the next backup does not wait for its TTL.
            var next = await survivor.StartBackupAsync("postgres", "disk");
            var again = await survivor.WaitRunAsync(next, FaultConsole.Finished, TimeSpan.FromMinutes(4));
            AssertSucceededWithoutWaiting(again);
        }
        finally
        {
            await fixture.ReturnAsync(stack, []);
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Backup_ConsoleKilledMidUploadToS3_FailedAndMultipartUploadAborted()
    {
        var stack = await fixture.RentAsync("prefixed", "w", [], CancellationToken.None);
        var id = stack.Stack;
        var s3Prefix = "kill-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            await FaultConsole.CreateBigTableAsync(stack, 1_500_000);
            var environment = s3.Settings(s3Prefix).ToDictionary(kv => kv.Key.Replace(":", "__", StringComparison.Ordinal), kv => kv.Value!);
            environment["KoboConsole__Backups__ItemRetries"] = "0";
            await using var console = await FaultConsole.StartAsync(stack.Prefix!, environment);
            using var store = s3.Store(s3Prefix);
            var runId = await console.StartBackupAsync("postgres", "s3");
            // Past the first 5 MB part: the upload holds parts on the server.
            await console.WaitRunAsync(runId, FaultConsole.Streamed(7 * 1024 * 1024), TimeSpan.FromMinutes(2));
            Assert.Single(await store.ListIncompleteUploadsAsync(CancellationToken.None));

            await console.KillAndRestartAsync();

            var run = await console.RunAsync(runId);
            Assert.Equal("failed", run.GetProperty("state").GetString());
            Assert.StartsWith("interrupted: the console process running it stopped", run.GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.Contains(Log(run), l => l.Contains("Clean-up of the interrupted run: aborted the incomplete upload of postgres/", StringComparison.Ordinal));
            Assert.Empty(await store.ListIncompleteUploadsAsync(CancellationToken.None));
            Assert.Empty(s3.ObjectKeys(s3Prefix));
        }
        finally
        {
            await fixture.ReturnAsync(stack, []);
        }
    }

    // runs.owner is "<host>:<pid>:<random>" (ConsoleInstance.Id); the API does not show it.
    private async Task<int> OwnerPidAsync(string runId)
    {
        await using var db = new Npgsql.NpgsqlConnection(pg.ConnectionString);
        await db.OpenAsync();
        await using var query = new Npgsql.NpgsqlCommand("SELECT owner FROM runs WHERE id = @id", db);
        query.Parameters.AddWithValue("id", runId);
        var owner = (string)(await query.ExecuteScalarAsync())!;
        return int.Parse(owner.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void AssertFailedAndPartialRemoved(JsonElement run, string dir)
    {
        Assert.Equal("failed", run.GetProperty("state").GetString());
        Assert.StartsWith("interrupted: the console process running it stopped", run.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.All(run.GetProperty("items").EnumerateArray(), i => Assert.Equal("failed", i.GetProperty("state").GetString()));
        Assert.Contains(Log(run), l => l.Contains("Clean-up of the interrupted run: removed the incomplete file", StringComparison.Ordinal));
        Assert.DoesNotContain(Files(dir), f => f.StartsWith("postgres", StringComparison.Ordinal));
    }

    // The store's lock was released: the next backup did not wait for the dead run's lease.
    private static void AssertSucceededWithoutWaiting(JsonElement run)
    {
        Assert.True(run.GetProperty("state").GetString() == "succeeded", run.ToString());
        Assert.DoesNotContain(Log(run), l => l.Contains("waiting for another", StringComparison.Ordinal));
    }

    private static List<string> Files(string dir) =>
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir, f)).ToList();

    private static List<string> Log(JsonElement run) => run.GetProperty("log").EnumerateArray().Select(l => l.GetString()!).ToList();
}
