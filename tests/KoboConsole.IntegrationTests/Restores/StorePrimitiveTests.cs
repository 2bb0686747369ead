using KoboConsole.IntegrationTests.Backups;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Restores.Stores;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Restores;

/// <summary>The per-store primitives against a real test-bed stack: back up, change, restore, verify.</summary>
public sealed class StorePrimitiveTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    [Fact]
    public async Task EveryStore_ChangedAfterBackup_RestoreBringsBackupBackAndVerifies()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "sp");
        await h.PsqlAsync("koboform", "CREATE TABLE kept AS SELECT g FROM generate_series(1, 300) g");
        var run = await h.BackupAsync(BackupStores.All.ToArray());
        Assert.True(run.State == RunStates.Succeeded, string.Join('\n', run.Log));
        var manifest = await h.ManifestAsync();
        var redisItem = manifest.Items.Single(i => i.Store == BackupStores.Redis);
        Assert.NotNull(redisItem.KeyCount);
        var kpiMedia = manifest.Items.Single(i => i.Store == BackupStores.Media && i.Database == "kpi_media");
        Assert.True(kpiMedia.FileCount >= 2, $"media file count {kpiMedia.FileCount}");

        // Change everything after the backup.
        await h.PsqlAsync("koboform", "DELETE FROM kept WHERE g > 100; CREATE TABLE added_later (x int)");
        await RestoreHarness.RedisAsync(h, "SET", "kc:later", "x");
        var mediaDir = Path.Combine(h.KoboDockerDir, ".vols", "kpi_media");
        var original = Directory.GetFiles(mediaDir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(mediaDir, f)).Order(StringComparer.Ordinal).ToList();
        File.Delete(Path.Combine(mediaDir, original[0]));
        await File.WriteAllTextAsync(Path.Combine(mediaDir, "added-later.txt"), "later");

        var engine = h.App.Services.GetRequiredService<IDockerHosts>().All[0];
        var target = new BackupTargetReader(new DiskTarget(h.Directory));
        foreach (var item in manifest.Items.Where(i => i.Store == BackupStores.Postgres))
        {
            await using var dump = await target.OpenAsync(item.Key);
            await PostgresRestore.RestoreAsync(new RestoreTarget(engine, h.Postgres), item.Database!, dump, CancellationToken.None);
            dump.EnsureIntact(item.SizeBytes, item.Sha256);
            var verified = await PostgresRestore.VerifyAsync(new RestoreTarget(engine, h.Postgres), item.Database!, item.RowCounts, CancellationToken.None);
            Assert.True(verified.Ok, verified.Detail);
        }

        Assert.Equal("300", await h.PsqlAsync("koboform", "SELECT count(*) FROM kept"));
        // pg_restore --clean drops only what the dump holds: a table created after the backup stays (README: restores).
        Assert.Equal("added_later", await h.PsqlAsync("koboform", "SELECT to_regclass('public.added_later')"));

        var redis = new RestoreTarget(engine, h.Stack.Containers["redis_main"]);
        await using (var rdb = await target.OpenAsync(redisItem.Key))
        {
            await RedisRestore.RestoreAsync(redis, rdb, TimeSpan.FromSeconds(30), CancellationToken.None);
            rdb.EnsureIntact(redisItem.SizeBytes, redisItem.Sha256);
        }

        Assert.True((await RedisRestore.VerifyAsync(redis, redisItem.KeyCount, CancellationToken.None)).Ok);
        Assert.Equal("0", (await RestoreHarness.RedisAsync(h, "EXISTS", "kc:later")).Trim());

        var mongoItem = manifest.Items.Single(i => i.Store == BackupStores.Mongo);
        await using (var archive = await target.OpenAsync(mongoItem.Key))
        {
            await MongoRestore.RestoreAsync(new RestoreTarget(engine, h.Stack.Containers["mongo"]), archive, CancellationToken.None);
            Assert.True(MongoRestore.Verify(archive, mongoItem.SizeBytes).Ok);
            archive.EnsureIntact(mongoItem.SizeBytes, mongoItem.Sha256);
        }

        var kpi = new RestoreTarget(engine, h.Stack.Containers["kpi"]);
        await using (var tar = await target.OpenAsync(kpiMedia.Key))
        {
            await MediaRestore.RestoreAsync(kpi, "/srv/src/kpi/media", tar, CancellationToken.None);
            tar.EnsureIntact(kpiMedia.SizeBytes, kpiMedia.Sha256);
        }

        var media = await MediaRestore.VerifyAsync(kpi, "/srv/src/kpi/media", kpiMedia.FileCount, kpiMedia.ContentBytes, CancellationToken.None);
        Assert.True(media.Ok, media.Detail);
        Assert.Equal(original, Directory.GetFiles(mediaDir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(mediaDir, f)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Postgres_RowCountsDiffer_VerifyFailsNamingTheTable()
    {
        var expected = new Dictionary<string, long> { ["public.a"] = 3, ["public.b"] = 5 };
        var actual = new Dictionary<string, long> { ["public.a"] = 3, ["public.b"] = 4 };

        var result = PostgresRestore.Compare("koboform", expected, actual);

        Assert.False(result.Ok);
        Assert.Contains("public.b has 4 rows, expected 5", result.Detail, StringComparison.Ordinal);
    }
}
