using System.Globalization;
using KoboConsole.IntegrationTests.Backups;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Drills;
using KoboConsole.Web.Features.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Drills;

/// <summary>
/// Drills on a test-bed stack: real backups restored into throwaway containers of production's
/// images. Each test checks that production is untouched and that nothing the drill made is left.
/// </summary>
public sealed class DrillTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    [Fact]
    public async Task Drill_GoodBackupsOfEveryStore_SucceedsAndLeavesProductionAndDockerAsTheyWere()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "d");
        var backup = await h.BackupAsync([.. BackupStores.All]);
        Assert.True(backup.State == RunStates.Succeeded, backup.Error);
        var before = await ProductionState.CaptureAsync(h);

        var (run, watch) = await DrillAsync(h, BackupStores.All);

        Assert.True(run.State == RunStates.Succeeded, $"{run.Error}\n{string.Join('\n', run.Log)}");
        Assert.Equal(BackupStores.All, run.Items.Select(i => i.Store));
        Assert.All(run.Items, i => Assert.Equal(RunStates.Succeeded, i.State));
        Assert.Contains(run.Log, l => l.Contains("postgres: proven restorable", StringComparison.Ordinal) && l.Contains("hold the manifest's row counts", StringComparison.Ordinal));
        var productionImages = (await BackupHarness.DockerAsync(["inspect", "--format", "{{.Image}}", .. h.Stack.Containers.Values])).StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, watch.Containers.Count);
        Assert.All(watch.Containers.Values, image => Assert.Contains(image, productionImages));
        Assert.Equal(before, await ProductionState.CaptureAsync(h));
        await AssertNothingLeftAsync(run.Id, watch);
    }

    [Fact]
    public async Task Drill_ConsoleBackupCorruptedAfterItWasMade_StoreFailsOthersPassNothingLeft()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "e");
        Assert.Equal(RunStates.Succeeded, (await h.BackupAsync(BackupStores.Postgres, BackupStores.Redis)).State);
        var dump = Directory.GetFiles(Path.Combine(h.Directory, "postgres"), "postgres-kobocat-*.pg_dump").Single();
        await using (var file = File.Open(dump, FileMode.Open, FileAccess.ReadWrite))
        {
            // Same size, different bytes in the middle: only the content is wrong.
            file.Position = file.Length / 2;
            await file.WriteAsync(new byte[256].Select((_, i) => (byte)(i * 7)).ToArray());
        }

        var before = await ProductionState.CaptureAsync(h);

        var (run, watch) = await DrillAsync(h, [BackupStores.Postgres, BackupStores.Redis]);

        Assert.Equal(RunStates.Failed, run.State);
        var pg = Assert.Single(run.Items, i => i.Store == BackupStores.Postgres);
        Assert.Equal(RunStates.Failed, pg.State);
        Assert.Contains(Path.GetFileName(dump), pg.Error, StringComparison.Ordinal);
        Assert.Equal(RunStates.Succeeded, Assert.Single(run.Items, i => i.Store == BackupStores.Redis).State);
        Assert.Contains(run.Log, l => l.Contains("postgres: NOT restorable", StringComparison.Ordinal));
        Assert.Equal(before, await ProductionState.CaptureAsync(h));
        await AssertNothingLeftAsync(run.Id, watch);
    }

    [Fact]
    public async Task Drill_KoboMadeDumpTruncated_FailsAtPgRestoreNothingLeft()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "f");
        Assert.Equal(RunStates.Succeeded, (await h.BackupAsync(BackupStores.Postgres)).State);
        // A kobo-made file (no manifest, no hash to check) newer than the console's: the drill must catch it by restoring.
        var good = Directory.GetFiles(Path.Combine(h.Directory, "postgres"), "postgres-koboform-*.pg_dump").Single();
        var bytes = await File.ReadAllBytesAsync(good);
        var stamp = DateTime.UtcNow.AddHours(1).ToString("yyyy.MM.dd.HH_mm", CultureInfo.InvariantCulture);
        var kobo = Path.Combine(h.Directory, "postgres", $"postgres-koboform-15-kobo.test-{stamp}.pg_dump");
        await File.WriteAllBytesAsync(kobo, bytes[..(bytes.Length * 2 / 3)]);
        var before = await ProductionState.CaptureAsync(h);

        var (run, watch) = await DrillAsync(h, [BackupStores.Postgres]);

        Assert.Equal(RunStates.Failed, run.State);
        var item = Assert.Single(run.Items);
        Assert.Contains(Path.GetFileName(kobo), item.Name, StringComparison.Ordinal);
        Assert.Contains("pg_restore", item.Error, StringComparison.Ordinal);
        Assert.Equal(before, await ProductionState.CaptureAsync(h));
        await AssertNothingLeftAsync(run.Id, watch);
    }

    [Fact]
    public async Task Drill_CancelledWhileTheThrowawayRuns_CancelledAndNothingLeft()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "g");
        Assert.Equal(RunStates.Succeeded, (await h.BackupAsync(BackupStores.Postgres)).State);
        var before = await ProductionState.CaptureAsync(h);
        var runId = await h.App.Services.GetRequiredService<DrillService>().CreateAsync([BackupStores.Postgres], "test", CancellationToken.None);
        var watch = DockerEventsWatch.Start(runId);
        await Task.Delay(1000);
        await using (watch)
        {
            var drill = h.App.Services.GetRequiredService<DrillRunner>().RunAsync(runId, CancellationToken.None);
            var deadline = DateTime.UtcNow.AddMinutes(1);
            while (DateTime.UtcNow < deadline && (await BackupHarness.DockerAsync("ps", "-q", "--filter", $"label={DrillLabels.Run}={runId}")).StdOut.Trim().Length == 0)
            {
                await Task.Delay(100);
            }

            // The way the API cancels: the flag in the database, which the drill polls.
            Assert.True(await h.App.Services.GetRequiredService<RunStore>().RequestCancelAsync(runId, CancellationToken.None));
            await BackupHarness.WithinAsync(drill, h.App.Services.GetRequiredService<RunStore>(), runId);
        }

        var run = (await h.App.Services.GetRequiredService<RunStore>().GetAsync(runId, CancellationToken.None))!;
        Assert.Equal(RunStates.Cancelled, run.State);
        Assert.Equal(RunStates.Cancelled, Assert.Single(run.Items).State);
        Assert.Equal(before, await ProductionState.CaptureAsync(h));
        await AssertNothingLeftAsync(runId, watch);
    }

    /// <summary>Runs a drill in the test's thread while <c>docker events</c> records what it made.</summary>
    private static async Task<(RunView Run, DockerEventsWatch Watch)> DrillAsync(BackupHarness h, IReadOnlyList<string> stores)
    {
        var runId = await h.App.Services.GetRequiredService<DrillService>().CreateAsync(stores, "test", CancellationToken.None);
        var watch = DockerEventsWatch.Start(runId);
        await Task.Delay(1000);
        await using (watch)
        {
            await BackupHarness.WithinAsync(h.App.Services.GetRequiredService<DrillRunner>().RunAsync(runId, CancellationToken.None), h.App.Services.GetRequiredService<RunStore>(), runId);
        }

        return ((await h.App.Services.GetRequiredService<RunStore>().GetAsync(runId, CancellationToken.None))!, watch);
    }

    private static async Task AssertNothingLeftAsync(string runId, DockerEventsWatch watch)
    {
        Assert.NotEmpty(watch.Containers);
        Assert.NotEmpty(watch.Networks);
        foreach (var id in watch.Containers.Keys)
        {
            Assert.NotEqual(0, (await BackupHarness.DockerAsync("container", "inspect", id)).ExitCode);
        }

        foreach (var id in watch.Volumes)
        {
            Assert.NotEqual(0, (await BackupHarness.DockerAsync("volume", "inspect", id)).ExitCode);
        }

        foreach (var id in watch.Networks)
        {
            Assert.NotEqual(0, (await BackupHarness.DockerAsync("network", "inspect", id)).ExitCode);
        }

        Assert.Equal("", (await BackupHarness.DockerAsync("ps", "-aq", "--filter", $"label={DrillLabels.Run}={runId}")).StdOut.Trim());
        Assert.Equal("", (await BackupHarness.DockerAsync("network", "ls", "-q", "--filter", $"label={DrillLabels.Run}={runId}")).StdOut.Trim());
    }
}
