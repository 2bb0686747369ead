using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Backups;

/// <summary>Every way a backup item can fail ends as a failed item with its reason and no complete-looking file.</summary>
public sealed class BackupFailureTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    private static readonly Dictionary<string, string?> NoRetry = new() { ["KoboConsole:Backups:ItemRetries"] = "0" };

    [Fact]
    public async Task Postgres_PgDumpExitsNonZero_FailedAfterOneRerunAndNoFileLeft()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "x", fresh: true); // puts a failing pg_dump in the container
        // A pg_dump that writes a valid-looking header, then fails: only the exit code tells.
        var fake = await BackupHarness.DockerAsync("exec", h.Postgres, "sh", "-c",
            "printf '#!/bin/sh\\nprintf PGDMP-partial\\necho \"pg_dump: error: simulated failure\" >&2\\nexit 3\\n' > /usr/local/bin/pg_dump && chmod +x /usr/local/bin/pg_dump");
        Assert.Equal(0, fake.ExitCode);

        var run = await h.BackupAsync(BackupStores.Postgres);

        Assert.Equal(RunStates.Failed, run.State);
        Assert.All(run.Items, i => Assert.Equal(RunStates.Failed, i.State));
        Assert.All(run.Items, i => Assert.Contains("exited with code 3: pg_dump: error: simulated failure", i.Error, StringComparison.Ordinal));
        Assert.Equal(2, run.Log.Count(l => l.Contains("rerunning once", StringComparison.Ordinal)));
        Assert.Empty(h.Files());
    }

    [Fact]
    public async Task Postgres_RerunFailsDifferently_ItemKeepsTheFirstCause()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "r", fresh: true); // puts a failing pg_dump in the container
        // The first attempt fails with the cause, the rerun with a consequence (as after a killed container).
        var fake = await BackupHarness.DockerAsync("exec", h.Postgres, "sh", "-c",
            "printf '#!/bin/sh\\nif [ -e /tmp/kc-first ]; then echo \"pg_dump: error: consequence\" >&2; exit 4; fi\\ntouch /tmp/kc-first\\necho \"pg_dump: error: the cause\" >&2\\nexit 3\\n' > /usr/local/bin/pg_dump && chmod +x /usr/local/bin/pg_dump && rm -f /tmp/kc-first");
        Assert.Equal(0, fake.ExitCode);

        var run = await h.BackupAsync(BackupStores.Postgres);

        Assert.Equal(RunStates.Failed, run.State);
        var error = run.Items[0].Error!;
        Assert.Contains("first attempt: ", error, StringComparison.Ordinal);
        Assert.Contains("exited with code 3: pg_dump: error: the cause", error, StringComparison.Ordinal);
        Assert.Contains("; rerun: ", error, StringComparison.Ordinal);
        Assert.True(error.IndexOf("the cause", StringComparison.Ordinal) < error.IndexOf("consequence", StringComparison.Ordinal), error);
    }

    [Fact]
    public async Task Postgres_ContainerKilledMidDump_FailedWithReasonAndNoFileLeft()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "k", NoRetry);
        await h.CreateBigTableAsync("koboform", 1_500_000);
        var runId = await h.CreateRunAsync(BackupStores.Postgres);
        var runs = h.App.Services.GetRequiredService<RunStore>();

        var backup = h.App.Services.GetRequiredService<BackupRunner>().RunAsync(runId, CancellationToken.None);
        await WaitForBytesAsync(runs, runId, backup);
        Assert.Equal(0, (await BackupHarness.DockerAsync("kill", h.Postgres)).ExitCode);
        await BackupHarness.WithinAsync(backup, runs, runId);

        var run = (await runs.GetAsync(runId, CancellationToken.None))!;
        Assert.Equal(RunStates.Failed, run.State);
        var first = run.Items[0];
        Assert.Equal(RunStates.Failed, first.State);
        Assert.Contains(h.Postgres, first.Error, StringComparison.Ordinal);
        Assert.Contains("incomplete", first.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(h.Files(), f => f.StartsWith("postgres", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Media_DiskFull_FailedWithReasonAndPartialRemoved()
    {
        var dir = Directory.CreateTempSubdirectory("kc-tmpfs-").FullName;
        Assert.Equal(0, (await ScriptRunner.RunAsync("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", dir], TimeSpan.FromSeconds(30), CancellationToken.None)).ExitCode);
        try
        {
            await using var h = await BackupHarness.StartAsync(fixture, "f", NoRetry, directory: dir);
            await File.WriteAllBytesAsync(Path.Combine(h.KoboDockerDir, ".vols", "kpi_media", "user1", "big.bin"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(1_000_000));

            var run = await h.BackupAsync(BackupStores.Media);

            Assert.Equal(RunStates.Failed, run.State);
            var kpi = Assert.Single(run.Items, i => i.Name.StartsWith("media-kpi_media", StringComparison.Ordinal));
            Assert.Equal(RunStates.Failed, kpi.State);
            Assert.Contains("No space left on device", kpi.Error, StringComparison.Ordinal);
            Assert.DoesNotContain(h.Files(), f => f.Contains("kpi_media", StringComparison.Ordinal));
        }
        finally
        {
            await ScriptRunner.RunAsync("umount", [dir], TimeSpan.FromSeconds(30), CancellationToken.None);
            Directory.Delete(dir);
        }
    }

    [Fact]
    public async Task Run_CancelledMidDump_CancelledAndNothingLeft()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "c");
        await h.CreateBigTableAsync("koboform", 1_500_000);
        var runId = await h.CreateRunAsync(BackupStores.Postgres);
        var runs = h.App.Services.GetRequiredService<RunStore>();

        var backup = h.App.Services.GetRequiredService<BackupRunner>().RunAsync(runId, CancellationToken.None);
        await WaitForBytesAsync(runs, runId, backup);
        Assert.True(await runs.RequestCancelAsync(runId, CancellationToken.None));
        await BackupHarness.WithinAsync(backup, runs, runId);

        var run = (await runs.GetAsync(runId, CancellationToken.None))!;
        Assert.Equal(RunStates.Cancelled, run.State);
        Assert.All(run.Items, i => Assert.Equal(RunStates.Cancelled, i.State));
        Assert.Empty(h.Files());
    }

    /// <summary>Waits until the first item has streamed bytes (the dump is under way).</summary>
    private static async Task WaitForBytesAsync(RunStore runs, string runId, Task backup)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline && !backup.IsCompleted)
        {
            var run = await runs.GetAsync(runId, CancellationToken.None);
            if (run is { Items.Count: > 0 } && run.Items[0].Bytes > 0)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"the dump never showed progress (finished: {backup.IsCompleted})");
    }
}
