using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Hangfire;
using Hangfire.Storage;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Backups;

/// <summary>
/// Issue 15: the catalog tells the truth about files that are gone, a disk target kobo binds is
/// refused, and console backups left in kobo's folders are moved out by the operator's action.
/// </summary>
public sealed class CatalogTruthTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    private static readonly string[] BackupServices = ["postgres", "mongo", "redis_main"];

    [Fact]
    public async Task Catalog_ConsoleFileDeleted_ListedMissingAndRefusedAsRestoreSource()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "cm");
        var run = await h.BackupAsync(BackupStores.Redis);
        Assert.True(run.State == RunStates.Succeeded, string.Join('\n', run.Log));
        var item = Assert.Single((await h.ManifestAsync()).Items);
        using var client = await BackupsApiTests.ClientAsync(h.App);
        File.Delete(Path.Combine(h.Directory, item.Key));
        var beforeCheck = DateTimeOffset.UtcNow.AddMilliseconds(-1);
        await h.App.Services.GetRequiredService<CatalogCheckJob>().RunAsync(CancellationToken.None);
        var afterCheck = DateTimeOffset.UtcNow;

        var first = Assert.Single((await client.GetFromJsonAsync<JsonElement>("/api/v1/backups?store=redis")).EnumerateArray());
        var again = Assert.Single((await client.GetFromJsonAsync<JsonElement>("/api/v1/backups?store=redis")).EnumerateArray());
        var preflight = await client.PostAsJsonAsync("/api/v1/restores/preflight", new { backupIds = new[] { first.GetProperty("id").GetString() } });

        Assert.Equal("missing", first.GetProperty("status").GetString());
        Assert.Equal(item.Sha256, first.GetProperty("sha256").GetString());
        var noticed = first.GetProperty("missingSince").GetDateTimeOffset();
        Assert.InRange(noticed, beforeCheck, afterCheck); // noticed by the hourly check, before anyone listed
        using (var connection = h.App.Services.GetRequiredService<JobStorage>().GetConnection())
        {
            Assert.Contains(connection.GetRecurringJobs(), j => j.Id == CatalogCheckJob.JobId && j.Cron == Cron.Hourly());
        }

        Assert.Equal(noticed, again.GetProperty("missingSince").GetDateTimeOffset());
        Assert.Equal(HttpStatusCode.OK, preflight.StatusCode);
        var checks = (await preflight.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").EnumerateArray().ToList();
        var found = Assert.Single(checks, c => c.GetProperty("name").GetString() == "backups found");
        Assert.False(found.GetProperty("ok").GetBoolean());
        Assert.Contains("is missing", found.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackupRun_DiskTargetContainsKobosBoundFolder_RefusedNamingFolderAndContainer()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "cr", koboDirectory: "backups");

        var run = await h.BackupAsync(BackupStores.Redis);

        Assert.Equal(RunStates.Failed, run.State);
        Assert.Contains($"{h.Directory} contains", run.Error, StringComparison.Ordinal);
        Assert.Contains("/srv/backups", run.Error, StringComparison.Ordinal);
        Assert.Contains("KoboConsole:Backups:Directory", run.Error, StringComparison.Ordinal);
        Assert.Contains(BackupServices, s => run.Error!.Contains(h.Stack.Containers[s], StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(h.Directory, "*.gz", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task MoveToSafety_OldConsoleBackupInKobosFolder_MovedWithManifestHashesRechecked()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "cs", koboDirectory: "");
        var run = await h.BackupAsync(BackupStores.Redis, BackupStores.Mongo);
        Assert.True(run.State == RunStates.Succeeded, string.Join('\n', run.Log));
        var manifest = await h.ManifestAsync();
        // The layout earlier versions wrote: kobo's own folders, manifests beside them.
        var kobo = Path.Combine(h.KoboDockerDir, "backups");
        foreach (var item in manifest.Items)
        {
            File.Move(Path.Combine(h.Directory, item.Key), Path.Combine(kobo, item.Key));
        }

        var manifestFile = Assert.Single(Directory.GetFiles(Path.Combine(h.Directory, BackupManifest.Folder)));
        Directory.CreateDirectory(Path.Combine(kobo, BackupManifest.Folder));
        File.Move(manifestFile, Path.Combine(kobo, BackupManifest.Folder, Path.GetFileName(manifestFile)));
        using var client = await BackupsApiTests.ClientAsync(h.App);

        var scan = await client.GetFromJsonAsync<JsonElement>("/api/v1/backups/move-to-safety");
        var move = await client.PostAsync("/api/v1/backups/move-to-safety", null);
        var second = await client.PostAsync("/api/v1/backups/move-to-safety", null);

        Assert.Equal(2, scan.GetProperty("endangered").GetInt32());
        Assert.Equal(HttpStatusCode.OK, move.StatusCode);
        var result = await move.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, result.GetProperty("moved").GetArrayLength());
        Assert.Equal(0, result.GetProperty("problems").GetArrayLength());
        foreach (var item in manifest.Items)
        {
            Assert.False(File.Exists(Path.Combine(kobo, item.Key)));
            Assert.Equal(item.Sha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(h.Directory, item.Key)))));
        }

        Assert.Empty(Directory.GetFiles(Path.Combine(kobo, BackupManifest.Folder)));
        Assert.True(File.Exists(manifestFile), "the manifest moves with its files");
        Assert.Equal(0, (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("moved").GetArrayLength());
        var audit = await client.GetStringAsync("/api/v1/audit?action=backup.move-to-safety");
        Assert.Contains("2 file(s) moved with 1 manifest(s)", audit, StringComparison.Ordinal);
        // Safe now: kobo's clean-up leaves them alone.
        await KoboCleanupTests.KoboCleanupAsync(h);
        Assert.All(manifest.Items, i => Assert.True(File.Exists(Path.Combine(h.Directory, i.Key))));
    }
}
