using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.ObjectStorage;

namespace KoboConsole.IntegrationTests.Backups;

/// <summary>
/// Issue 15: the console's backups survive kobo's own clean-up. On disk, kobo's cron scripts
/// (run here by the test bed's kobo-backup-to-disk, which deletes like kobo's) empty the folders
/// bound at /srv/backups; on S3, kobo's scripts prune by age under postgres/, mongo/, redis/.
/// </summary>
public sealed partial class KoboCleanupTests(TestBedFixture fixture, S3rverFixture s3) : IClassFixture<S3rverFixture>, IClassFixture<TestBedFixture>
{
    private static readonly string[] Stores = [BackupStores.Postgres, BackupStores.Mongo, BackupStores.Redis];

    [Fact]
    public async Task KoboDiskCleanup_AfterConsoleBackupInDefaultFolder_EveryConsoleFileKeepsItsHash()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "kc", koboDirectory: "");
        var run = await h.BackupAsync(Stores);
        Assert.True(run.State == RunStates.Succeeded, string.Join('\n', run.Log));
        var manifest = await h.ManifestAsync();
        Assert.Equal(4, manifest.Items.Count);
        Assert.Equal(Path.Combine(h.KoboDockerDir, "backups", "console"), h.Directory);
        // Copies in kobo's own folders, where earlier versions wrote: the clean-up must really delete them.
        // An older minute in their names: kobo's new dump of this minute would have the same name.
        var decoys = manifest.Items.Select(i => Path.Combine(h.KoboDockerDir, "backups", OlderMinute().Replace(i.Key, "2020.01.01.00_00"))).ToList();
        foreach (var (item, decoy) in manifest.Items.Zip(decoys))
        {
            File.Copy(Path.Combine(h.Directory, item.Key), decoy);
        }

        await KoboCleanupAsync(h);

        Assert.All(decoys, d => Assert.False(File.Exists(d), $"kobo's clean-up left {d}: the script does not delete like kobo's"));
        Assert.Contains(Directory.GetFiles(Path.Combine(h.KoboDockerDir, "backups", "postgres")), f => f.EndsWith(".pg_dump", StringComparison.Ordinal));
        foreach (var item in manifest.Items)
        {
            var file = Path.Combine(h.Directory, item.Key);
            Assert.True(File.Exists(file), $"{item.Key} is gone after kobo's clean-up");
            Assert.Equal(item.Sha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(file))));
        }
    }

    [Fact]
    public async Task KoboS3Pruning_AfterConsoleBackupWithDefaultPrefix_EveryConsoleObjectKeepsItsHash()
    {
        var settings = s3.Settings("unused");
        settings.Remove("KoboConsole:Backups:S3:Prefix");
        await using var h = await BackupHarness.StartAsync(fixture, "kp", settings);
        using var bucket = ObjectStores.Create(RootOptions());
        await Task.WhenAll((await bucket.ListAsync(CancellationToken.None)).Select(o => bucket.DeleteAsync(o.Key, CancellationToken.None)));
        var run = await h.BackupToAsync(BackupTargets.S3, Stores);
        Assert.True(run.State == RunStates.Succeeded, string.Join('\n', run.Log));
        // kobo's own S3 backups, at the bucket's top level as kobo's scripts write them.
        string[] koboKeys = ["postgres/daily/postgres-kobocat-15-kobo.test-20261201_010000.pg_dump", "mongo/weekly/mongo-5.0-kobo.test-20261129_020000.gz",
            "redis/yearly/redis-7.0.15-kobo.test-20260101_030000.gz"];
        foreach (var key in koboKeys)
        {
            await using var upload = await bucket.StartUploadAsync(key, CancellationToken.None);
            await upload.Stream.WriteAsync("made by kobo"u8.ToArray());
            await upload.CompleteAsync(CancellationToken.None);
        }

        // The worst case of kobo's age-based pruning: everything under its three folders goes.
        var all = await bucket.ListAsync(CancellationToken.None);
        foreach (var o in all.Where(o => S3Options.KoboPrunedFolders.Any(f => o.Key.StartsWith(f + "/", StringComparison.Ordinal))))
        {
            await bucket.DeleteAsync(o.Key, CancellationToken.None);
        }

        var left = (await bucket.ListAsync(CancellationToken.None)).Select(o => o.Key).ToList();
        Assert.DoesNotContain(left, k => koboKeys.Contains(k));
        var manifestKey = Assert.Single(left, k => k.StartsWith("koboconsole/manifests/", StringComparison.Ordinal));
        await using var manifestStream = await bucket.OpenReadAsync(manifestKey, CancellationToken.None);
        var manifest = (await JsonSerializer.DeserializeAsync<BackupManifest>(manifestStream, BackupManifest.Json))!;
        Assert.Equal(4, manifest.Items.Count);
        foreach (var item in manifest.Items)
        {
            Assert.Contains("koboconsole/" + item.Key, left);
            await using var body = await bucket.OpenReadAsync("koboconsole/" + item.Key, CancellationToken.None);
            Assert.Equal(item.Sha256, Convert.ToHexStringLower(await SHA256.HashDataAsync(body)));
        }
    }

    [GeneratedRegex(@"\d{4}\.\d\d\.\d\d\.\d\d_\d\d")]
    private static partial Regex OlderMinute();

    /// <summary>kobo's disk backup cron, once in each of the three containers (as kobo's would run it).</summary>
    internal static async Task KoboCleanupAsync(BackupHarness h)
    {
        foreach (var (service, arg) in new[] { ("postgres", "postgres"), ("mongo", ""), ("redis_main", "redis") })
        {
            string[] args = arg.Length > 0 ? ["exec", h.Stack.Containers[service], "kobo-backup-to-disk", arg] : ["exec", h.Stack.Containers[service], "kobo-backup-to-disk"];
            var r = await BackupHarness.DockerAsync(args);
            Assert.True(r.ExitCode == 0, $"kobo-backup-to-disk in {service} failed: {r.StdErr}");
        }
    }

    /// <summary>The bucket's top level, as kobo's scripts see it (never used by the console itself).</summary>
    private S3Options RootOptions() => new()
    {
        Bucket = S3rverFixture.Bucket,
        Prefix = "",
        ServiceUrl = s3.Endpoint.ToString(),
        ForcePathStyle = true,
        UseChunkEncoding = false,
        AccessKeyId = S3rverFixture.AccessKey,
        SecretAccessKey = S3rverFixture.SecretKey,
        PartSizeMb = 5,
    };
}
