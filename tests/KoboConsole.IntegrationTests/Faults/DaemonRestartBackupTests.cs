using System.Text.Json;
using KoboConsole.IntegrationTests.Backups;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Faults;

/// <summary>
/// The back end's dockerd goes away in the middle of a PostgreSQL dump (a multihost stack: the
/// back end runs on a second engine of the test's own, stopped mid-stream): the run fails with a
/// clear reason, no complete-looking file and no open multipart upload stay behind.
/// </summary>
public sealed class DaemonRestartBackupTests(TestBedFixture fixture, StrictS3Fixture s3) : IClassFixture<StrictS3Fixture>, IClassFixture<TestBedFixture>
{
    [Theory]
    [InlineData(BackupTargets.Disk)]
    [InlineData(BackupTargets.S3)]
    public async Task Backup_DaemonStopsMidDump_FailedWithReasonAndNothingLeft(string target)
    {
        var id = TestBedFixture.NewStackId("multihost");
        var stack = await fixture.UpAsync("multihost", id, "d" + id[^6..], CancellationToken.None);
        var dir = Directory.CreateTempSubdirectory("kc-fault-backups-").FullName;
        var s3Prefix = "daemon-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            var big = await ScriptRunner.DockerAsync(stack.BackendDocker, ["exec", stack.Containers["postgres"], "psql", "-U", stack.PostgresUser, "-d", "koboform", "-v", "ON_ERROR_STOP=1", "-c",
                "CREATE TABLE big AS SELECT g, md5(g::text) || md5((g * 7)::text) || md5(random()::text) AS t FROM generate_series(1, 1500000) g"], CancellationToken.None);
            Assert.True(big.ExitCode == 0, big.StdErr);
            var settings = new Dictionary<string, string?>(target == BackupTargets.S3 ? s3.Settings(s3Prefix) : [])
            {
                ["KoboConsole:Docker:Hosts:0:Name"] = "front",
                ["KoboConsole:Docker:Hosts:0:Endpoint"] = stack.FrontendDocker,
                ["KoboConsole:Docker:Hosts:1:Name"] = "back",
                ["KoboConsole:Docker:Hosts:1:Endpoint"] = stack.BackendDocker,
                ["KoboConsole:Stack:Prefix"] = stack.Prefix,
                ["KoboConsole:Backups:Directory"] = dir,
                ["KoboConsole:Backups:ItemRetries"] = "0",
            };
            await using var app = new ConsoleAppFactory(settings);
            var runs = app.Services.GetRequiredService<RunStore>();
            var runId = await runs.CreateAsync(BackupRunner.Kind, "test",
                JsonSerializer.Serialize(new StartBackupRequest([BackupStores.Postgres], target), BackupManifest.Json), CancellationToken.None);

            var backup = app.Services.GetRequiredService<BackupRunner>().RunAsync(runId, CancellationToken.None);
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while ((await runs.GetAsync(runId, CancellationToken.None))!.Items is not [{ Bytes: > 7 * 1024 * 1024 }, ..])
            {
                Assert.True(DateTime.UtcNow < deadline && !backup.IsCompleted, "the dump never passed 7 MB");
                await Task.Delay(50);
            }

            // The multihost back end's engine is named after the stack.
            await SecondEngine.StopAsync(id);
            await backup.WaitAsync(TimeSpan.FromMinutes(3));

            var run = (await runs.GetAsync(runId, CancellationToken.None))!;
            Assert.Equal(RunStates.Failed, run.State);
            Assert.All(run.Items, i => Assert.Equal(RunStates.Failed, i.State));
            Assert.All(run.Items, i => Assert.Contains("Docker host 'back' at ", i.Error, StringComparison.Ordinal));
            Assert.All(run.Items, i => Assert.Contains(" is unreachable", i.Error, StringComparison.Ordinal));
            Assert.DoesNotContain(Directory.GetFiles(dir, "*", SearchOption.AllDirectories), f => f.Contains("postgres", StringComparison.Ordinal));
            if (target == BackupTargets.S3)
            {
                using var store = s3.Store(s3Prefix);
                Assert.Empty(await store.ListIncompleteUploadsAsync(CancellationToken.None));
                Assert.Empty(s3.ObjectKeys(s3Prefix));
            }
        }
        finally
        {
            await fixture.DownAsync(id, CancellationToken.None);
            Directory.Delete(dir, recursive: true);
        }
    }
}
