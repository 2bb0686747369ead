using System.Security.Cryptography;
using System.Text.Json;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.ObjectStorage;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Backups;

/// <summary>The S3 target against s3rver: multipart streaming, kobo's key layout, hashes compared, and its failures.</summary>
public sealed class S3BackupTests(TestBedFixture fixture, S3rverFixture s3) : IClassFixture<S3rverFixture>, IClassFixture<TestBedFixture>
{
    [Fact]
    public async Task S3_PostgresMultipart_ObjectsMatchStreamedHashesUnderKoboKeys()
    {
        var prefix = "t-" + Guid.NewGuid().ToString("N")[..8];
        await using var h = await BackupHarness.StartAsync(fixture, "s", s3.Settings(prefix));
        await h.CreateBigTableAsync("koboform", 300_000);

        var run = await RunAsync(h, BackupStores.Postgres);

        Assert.True(run.State == RunStates.Succeeded, string.Join('\n', run.Log));
        using var store = ObjectStores.Create(Options(prefix));
        var objects = await store.ListAsync(CancellationToken.None);
        var manifestKey = Assert.Single(objects, o => o.Key.StartsWith("manifests/", StringComparison.Ordinal)).Key;
        await using var manifestStream = await store.OpenReadAsync(manifestKey, CancellationToken.None);
        var manifest = (await JsonSerializer.DeserializeAsync<BackupManifest>(manifestStream, BackupManifest.Json))!;
        Assert.Equal(2, manifest.Items.Count);
        var tier = S3Target.TierOf(manifest.CreatedAt);
        foreach (var item in manifest.Items)
        {
            Assert.Matches($@"^postgres/{tier}/postgres-{item.Database}-15-kobo\.test-\d{{4}}\.\d\d\.\d\d\.\d\d_\d\d\.pg_dump$", item.Key);
            await using var body = await store.OpenReadAsync(item.Key, CancellationToken.None);
            Assert.Equal(item.Sha256, Convert.ToHexStringLower(await SHA256.HashDataAsync(body)));
            Assert.Equal(item.SizeBytes, Assert.Single(objects, o => o.Key == item.Key).Size);
        }

        Assert.True(manifest.Items[0].SizeBytes > 10 * 1024 * 1024, "the dump should span several 5 MB parts");
        var catalog = await h.App.Services.GetRequiredService<BackupCatalog>().ListAsync(BackupStores.Postgres, BackupTargets.S3, CancellationToken.None);
        Assert.Equal(2, catalog.Count(e => e.Origin == BackupEntry.ConsoleOrigin));
    }

    [Fact]
    public async Task S3_Unreachable_ItemFailedWithReason()
    {
        var settings = s3.Settings("unreachable");
        settings["KoboConsole:Backups:S3:ServiceUrl"] = $"http://127.0.0.1:{S3rverFixture.FreePort()}/";
        await using var h = await BackupHarness.StartAsync(fixture, "u", settings);

        var run = await RunAsync(h, BackupStores.Redis);

        Assert.Equal(RunStates.Failed, run.State);
        Assert.Contains("is unreachable when trying to look for an object", Assert.Single(run.Items).Error, StringComparison.Ordinal);
    }

    // s3rver checks access key ids but does not verify SigV4 signatures (its source says
    // "unimplemented"), so a wrong secret key cannot be shown failing here; the message for
    // SignatureDoesNotMatch is mapped in S3ObjectStore.Translate all the same.
    [Fact]
    public async Task S3Probe_UnknownAccessKey_SaysTheKeyIdIsWrong()
    {
        using var store = ObjectStores.Create(new S3Options
        {
            Bucket = S3rverFixture.Bucket,
            ServiceUrl = s3.Endpoint.ToString(),
            ForcePathStyle = true,
            UseChunkEncoding = false,
            AccessKeyId = "WRONGKEY",
            SecretAccessKey = "wrong-secret",
        });

        var ex = await Assert.ThrowsAsync<ObjectStoreException>(() => store.ProbeAsync(CancellationToken.None));

        Assert.Contains("does not know the access key (InvalidAccessKeyId) when trying to put a probe object", ex.Message, StringComparison.Ordinal);
        Assert.Contains("KoboConsole:Backups:S3:AccessKeyId", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task S3Probe_RightCredentials_PutsReadsAndDeletes()
    {
        using var store = ObjectStores.Create(new S3Options
        {
            Bucket = S3rverFixture.Bucket,
            Prefix = "probe",
            ServiceUrl = s3.Endpoint.ToString(),
            ForcePathStyle = true,
            UseChunkEncoding = false,
            AccessKeyId = S3rverFixture.AccessKey,
            SecretAccessKey = S3rverFixture.SecretKey,
        });

        await store.ProbeAsync(CancellationToken.None);

        Assert.Empty(await store.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task S3Target_SameNameTwice_RefusedAndFirstObjectKept()
    {
        var prefix = "dup-" + Guid.NewGuid().ToString("N")[..8];
        using var target = new S3Target(ObjectStores.Create(Options(prefix)), new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.Zero)));
        var first = "first backup"u8.ToArray();
        string key;
        await using (var upload = await target.OpenAsync("redis", "redis-7.0.15-kobo.test-2026.12.01.02_00.gz", CancellationToken.None))
        {
            await upload.Stream.WriteAsync(first);
            key = await upload.CompleteAsync(first.Length, CancellationToken.None);
        }

        var refused = await Assert.ThrowsAsync<BackupItemException>(() => target.OpenAsync("redis", "redis-7.0.15-kobo.test-2026.12.01.02_00.gz", CancellationToken.None));

        Assert.Contains("already exists", refused.Message, StringComparison.Ordinal);
        Assert.Contains("start the next backup in a minute", refused.Message, StringComparison.Ordinal);
        await using var body = await target.OpenReadAsync(key, CancellationToken.None);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(first)), Convert.ToHexStringLower(await SHA256.HashDataAsync(body)));
    }

    [Fact]
    public async Task S3Retention_PrunesAfterGoodRunOnly_KeepsKoboMade_DryRunNamesWhatGoes()
    {
        var prefix = "ret-" + Guid.NewGuid().ToString("N")[..8];
        var settings = s3.Settings(prefix);
        settings["KoboConsole:Backups:Retention:Enabled"] = "true";
        settings["KoboConsole:Backups:Retention:KeepLast"] = "1";
        settings["KoboConsole:Backups:Retention:Daily"] = "0";
        settings["KoboConsole:Backups:Retention:Weekly"] = "0";
        settings["KoboConsole:Backups:Retention:Monthly"] = "0";
        settings["KoboConsole:Backups:Retention:Yearly"] = "0";
        settings["KoboConsole:Backups:Retention:RequireRecentSuccesses"] = "1";
        await using var h = await BackupHarness.StartAsync(fixture, "q", settings);
        using var store = ObjectStores.Create(Options(prefix));
        var old = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var olderKey = await PutConsoleBackupAsync(store, "olderrun", old.AddDays(-7), "redis/daily/");
        var oldKey = await PutConsoleBackupAsync(store, "oldrun", old, "redis/yearly/");
        var koboKey = "redis/daily/" + BackupNames.Redis("7.0.15", "kobo.test", old.AddDays(-1));
        await PutAsync(store, koboKey, "kobo's own"u8.ToArray());
        var pruner = h.App.Services.GetRequiredService<BackupPruner>();

        // No run of this console yet: the dry run says nothing would go, and why.
        var blocked = await pruner.PreviewAsync(BackupTargets.S3, CancellationToken.None);
        var run = await RunAsync(h, BackupStores.Redis);
        var ancientKey = await PutConsoleBackupAsync(store, "ancientrun", old.AddYears(-1), "redis/yearly/");
        var preview = await pruner.PreviewAsync(BackupTargets.S3, CancellationToken.None);

        Assert.Empty(blocked.Delete);
        Assert.Contains(blocked.Blocked, b => b.StartsWith("s3:redis: not pruned", StringComparison.Ordinal));
        Assert.True(run.State == RunStates.Succeeded, string.Join('\n', run.Log));
        Assert.Contains(run.Log, l => l.Contains($"Retention: deleted {Path.GetFileName(olderKey)}", StringComparison.Ordinal));
        var keys = (await store.ListAsync(CancellationToken.None)).Select(o => o.Key).ToList();
        Assert.DoesNotContain(olderKey, keys);
        Assert.DoesNotContain(oldKey, keys);
        Assert.Contains(koboKey, keys);
        Assert.Contains(keys, k => k.EndsWith(run.Items.Single().Name, StringComparison.Ordinal));
        // After a good run the dry run names exactly the console backup the next prune deletes.
        Assert.Equal([Path.GetFileName(ancientKey)], preview.Delete.Select(e => e.Name));
        Assert.Empty(preview.Blocked);
    }

    private S3Options Options(string prefix) => new()
    {
        Bucket = S3rverFixture.Bucket,
        Prefix = prefix,
        ServiceUrl = s3.Endpoint.ToString(),
        ForcePathStyle = true,
        UseChunkEncoding = false,
        AccessKeyId = S3rverFixture.AccessKey,
        SecretAccessKey = S3rverFixture.SecretKey,
    };

    private static async Task<string> PutConsoleBackupAsync(IObjectStore store, string runId, DateTimeOffset at, string folder)
    {
        var key = folder + BackupNames.Redis("7.0.15", "kobo.test", at);
        var manifest = new BackupManifest(runId, "0", "kobo.test", "s3", at, at,
            [new ManifestItem("redis", key, null, "7.0.15", 18, new string('0', 64), "local", "redis", "img", at, at, null, null)]);
        await PutAsync(store, key, "old console backup"u8.ToArray());
        await PutAsync(store, $"{BackupManifest.Folder}/{BackupManifest.FileName(at, runId)}", JsonSerializer.SerializeToUtf8Bytes(manifest, BackupManifest.Json));
        return key;
    }

    private static async Task PutAsync(IObjectStore store, string key, byte[] body)
    {
        await using var upload = await store.StartUploadAsync(key, CancellationToken.None);
        await upload.Stream.WriteAsync(body);
        await upload.CompleteAsync(CancellationToken.None);
    }

    private static async Task<RunView> RunAsync(BackupHarness h, string store)
    {
        var runs = h.App.Services.GetRequiredService<RunStore>();
        var runId = await runs.CreateAsync(BackupRunner.Kind, "test", JsonSerializer.Serialize(new StartBackupRequest([store], BackupTargets.S3), BackupManifest.Json), CancellationToken.None);
        await BackupHarness.WithinAsync(h.App.Services.GetRequiredService<BackupRunner>().RunAsync(runId, CancellationToken.None), h.App.Services.GetRequiredService<RunStore>(), runId);
        return (await runs.GetAsync(runId, CancellationToken.None))!;
    }
}
