using System.Text.Json;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Backups;

/// <summary>Retention applied by a real run: only after success, only console-made backups, with a preview first.</summary>
public sealed class RetentionPruneTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    [Fact]
    public async Task Prune_AfterSuccessfulRun_DeletesOldConsoleBackupAndKeepsKoboMade()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "n", new Dictionary<string, string?>
        {
            ["KoboConsole:Backups:Retention:Enabled"] = "true",
            ["KoboConsole:Backups:Retention:KeepLast"] = "1",
            ["KoboConsole:Backups:Retention:Daily"] = "0",
            ["KoboConsole:Backups:Retention:Weekly"] = "0",
            ["KoboConsole:Backups:Retention:Monthly"] = "0",
            ["KoboConsole:Backups:Retention:Yearly"] = "0",
            ["KoboConsole:Backups:Retention:RequireRecentSuccesses"] = "1",
        });
        var old = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var oldName = BackupNames.Postgres("kobocat", "15", "kobo.test", old);
        var koboName = BackupNames.Postgres("kobocat", "15", "kobo.test", old.AddDays(-1));
        Directory.CreateDirectory(Path.Combine(h.Directory, "postgres"));
        Directory.CreateDirectory(Path.Combine(h.Directory, BackupManifest.Folder));
        await File.WriteAllTextAsync(Path.Combine(h.Directory, "postgres", oldName), "old console backup");
        await File.WriteAllTextAsync(Path.Combine(h.Directory, "postgres", koboName), "kobo's own");
        var manifest = new BackupManifest("oldrun", "0", "kobo.test", "disk", old, old,
            [new ManifestItem("postgres", "postgres/" + oldName, "kobocat", "15", 18, new string('0', 64), "local", "pg", "img", old, old, null, null)]);
        await File.WriteAllBytesAsync(Path.Combine(h.Directory, BackupManifest.Folder, BackupManifest.FileName(old, "oldrun")), JsonSerializer.SerializeToUtf8Bytes(manifest, BackupManifest.Json));

        var run = await h.BackupAsync(BackupStores.Postgres);

        Assert.True(run.State == RunStates.Succeeded, string.Join('\n', run.Log));
        Assert.Contains(run.Log, l => l.Contains($"Retention: deleted {oldName}", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(h.Directory, "postgres", oldName)));
        Assert.True(File.Exists(Path.Combine(h.Directory, "postgres", koboName)));
        // Left: this run's two dumps and kobo's own file.
        Assert.Equal(run.Items.Select(i => i.Name).Append(koboName).Order(StringComparer.Ordinal),
            Directory.GetFiles(Path.Combine(h.Directory, "postgres")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var preview = await h.App.Services.GetRequiredService<BackupPruner>().PreviewAsync(BackupTargets.Disk, CancellationToken.None);
        Assert.Empty(preview.Delete);
    }
}
