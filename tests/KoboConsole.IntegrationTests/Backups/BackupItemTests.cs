using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Runs;

namespace KoboConsole.IntegrationTests.Backups;

/// <summary>Each store backed up from a real prefixed test-bed stack and proven restorable or complete.</summary>
public sealed class BackupItemTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    [Fact]
    public async Task Postgres_BothDatabases_RestoreGivesManifestRowCounts()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "p");
        await h.PsqlAsync("koboform", "CREATE TABLE extra AS SELECT g FROM generate_series(1, 4321) g");

        var run = await h.BackupAsync(BackupStores.Postgres);

        Assert.True(run.State == RunStates.Succeeded, string.Join('\n', run.Log));
        var manifest = await h.ManifestAsync();
        Assert.Equal(["koboform", "kobocat"], manifest.Items.Select(i => i.Database));
        foreach (var item in manifest.Items)
        {
            Assert.Matches($@"^postgres/postgres-{item.Database}-15-kobo\.test-\d{{4}}\.\d\d\.\d\d\.\d\d_\d\d\.pg_dump$", item.Key);
            var local = Path.Combine(h.Directory, item.Key);
            Assert.Equal(item.Sha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(local))));
            Assert.Equal(item.SizeBytes, new FileInfo(local).Length);

            var inContainer = $"/tmp/{Path.GetFileName(local)}";
            Assert.Equal(0, (await BackupHarness.DockerAsync("cp", local, $"{h.Postgres}:{inContainer}")).ExitCode);
            var list = await BackupHarness.DockerAsync("exec", h.Postgres, "pg_restore", "--list", inContainer);
            Assert.True(list.ExitCode == 0, list.StdErr);

            var scratch = $"scratch_{item.Database}";
            await h.PsqlAsync("postgres", $"CREATE DATABASE {scratch}");
            var restore = await BackupHarness.DockerAsync("exec", h.Postgres, "pg_restore", "-U", h.Stack.PostgresUser, "--no-owner", "-d", scratch, inContainer);
            Assert.True(restore.ExitCode == 0, restore.StdErr);
            Assert.NotNull(item.RowCounts);
            Assert.NotEmpty(item.RowCounts);
            foreach (var (table, count) in item.RowCounts)
            {
                Assert.Equal(count.ToString(System.Globalization.CultureInfo.InvariantCulture), await h.PsqlAsync(scratch, $"SELECT count(*) FROM {table}"));
            }
        }

        Assert.Equal(4321, manifest.Items[0].RowCounts!["public.extra"]);
        Assert.Equal("postgres", Path.GetFileName(Path.GetDirectoryName(manifest.Items[0].Key)));
        Assert.Contains(h.Stack.Containers["postgres"], manifest.Items[0].SourceContainer, StringComparison.Ordinal);
        Assert.DoesNotContain(h.Files(), f => f.EndsWith(BackupNames.PartialSuffix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Postgres_RowsWrittenDuringBackup_ManifestCountsEqualTheDump()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "w");
        await h.CreateBigTableAsync("koboform", 200_000);
        await h.PsqlAsync("koboform", "CREATE TABLE busy (g int)");
        // Like kobo's workers during a scheduled backup: a row committed every few milliseconds.
        var writer = BackupHarness.DockerAsync("exec", "-e", "PGAPPNAME=busywriter", h.Postgres, "psql", "-U", h.Stack.PostgresUser, "-d", "koboform", "-c",
            "DO $$ BEGIN FOR i IN 1..1000000 LOOP INSERT INTO busy VALUES (i); COMMIT; PERFORM pg_sleep(0.002); END LOOP; END $$");
        while (await h.PsqlAsync("koboform", "SELECT count(*) FROM busy") == "0")
        {
            await Task.Delay(50);
        }

        var run = await h.BackupAsync(BackupStores.Postgres);

        var afterBackup = long.Parse(await h.PsqlAsync("koboform", "SELECT count(*) FROM busy"), System.Globalization.CultureInfo.InvariantCulture);
        await h.PsqlAsync("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'busywriter'");
        await writer;
        Assert.True(run.State == RunStates.Succeeded, string.Join('\n', run.Log));
        var item = (await h.ManifestAsync()).Items.Single(i => i.Database == "koboform");
        var counted = item.RowCounts!["public.busy"];
        Assert.True(counted < afterBackup, $"the writer should still have been writing during the backup ({counted} counted, {afterBackup} after)");
        var inContainer = $"/tmp/{Path.GetFileName(item.Key)}";
        Assert.Equal(0, (await BackupHarness.DockerAsync("cp", Path.Combine(h.Directory, item.Key), $"{h.Postgres}:{inContainer}")).ExitCode);
        await h.PsqlAsync("postgres", "CREATE DATABASE scratch_busy");
        var restore = await BackupHarness.DockerAsync("exec", h.Postgres, "pg_restore", "-U", h.Stack.PostgresUser, "--no-owner", "-d", "scratch_busy", inContainer);
        Assert.True(restore.ExitCode == 0, restore.StdErr);
        foreach (var (table, count) in item.RowCounts)
        {
            Assert.Equal(count.ToString(System.Globalization.CultureInfo.InvariantCulture), await h.PsqlAsync("scratch_busy", $"SELECT count(*) FROM {table}"));
        }
    }

    [Fact]
    public async Task Redis_KeyWrittenAfterLastSave_IsInBackup()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "r");
        var redis = h.Stack.Containers["redis_main"];
        var key = "kc:" + Guid.NewGuid().ToString("N")[..8];
        var password = h.Stack.Values["redis_password"];
        var set = await BackupHarness.DockerAsync("exec", "-e", $"REDISCLI_AUTH={password}", redis, "redis-cli", "SET", key, "after-last-save");
        Assert.Equal("OK", set.StdOut.Trim());
        // Redis's own rdb on disk does not have the key yet: only a BGSAVE by the backup can put it there.
        var onDisk = await File.ReadAllBytesAsync(Path.Combine(h.KoboDockerDir, ".vols", "redis_main_data", "enketo-main.rdb"));
        Assert.False(Contains(onDisk, key));

        var run = await h.BackupAsync(BackupStores.Redis);

        Assert.True(run.State == RunStates.Succeeded, string.Join('\n', run.Log));
        var item = Assert.Single((await h.ManifestAsync()).Items);
        Assert.Matches(@"^redis/redis-7\.0\.15-kobo\.test-\d{4}\.\d\d\.\d\d\.\d\d_\d\d\.gz$", item.Key);
        await using var gz = new GZipStream(File.OpenRead(Path.Combine(h.Directory, item.Key)), CompressionMode.Decompress);
        using var rdb = new MemoryStream();
        await gz.CopyToAsync(rdb);
        Assert.StartsWith("REDIS", Encoding.ASCII.GetString(rdb.ToArray(), 0, 5), StringComparison.Ordinal);
        Assert.True(Contains(rdb.ToArray(), key), "the key written after the last save is not in the backup");
    }

    [Fact]
    public async Task Media_BothVolumes_FilesRoundTripByHash()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "m");
        var extra = Path.Combine(h.KoboDockerDir, ".vols", "kpi_media", "user1", "big.bin");
        await File.WriteAllBytesAsync(extra, RandomNumberGenerator.GetBytes(700_000));

        var run = await h.BackupAsync(BackupStores.Media);

        Assert.True(run.State == RunStates.Succeeded, string.Join('\n', run.Log));
        var manifest = await h.ManifestAsync();
        Assert.Equal(["kobocat_media_uploads", "kpi_media"], manifest.Items.Select(i => i.Database));
        foreach (var item in manifest.Items)
        {
            Assert.Matches($@"^media/media-{item.Database}-kobo\.test-\d{{4}}\.\d\d\.\d\d\.\d\d_\d\d\.tar\.gz$", item.Key);
            var volume = Path.Combine(h.KoboDockerDir, ".vols", item.Database!);
            var expected = System.IO.Directory.GetFiles(volume, "*", SearchOption.AllDirectories)
                .ToDictionary(f => Path.GetRelativePath(volume, f), f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))));
            var actual = new Dictionary<string, string>();
            await using var gz = new GZipStream(File.OpenRead(Path.Combine(h.Directory, item.Key)), CompressionMode.Decompress);
            await using var tar = new TarReader(gz);
            while (await tar.GetNextEntryAsync() is { } entry)
            {
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && entry.DataStream is { } data)
                {
                    // Docker's archive puts the directory itself first: media/user1/...
                    actual[entry.Name[(entry.Name.IndexOf('/', StringComparison.Ordinal) + 1)..]] = Convert.ToHexStringLower(await SHA256.HashDataAsync(data));
                }
            }

            Assert.Equal(expected.OrderBy(kv => kv.Key, StringComparer.Ordinal), actual.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        }

        Assert.Contains(manifest.Items, i => i.Database == "kpi_media" && i.SizeBytes > 700_000);
    }

    [Fact]
    public async Task Mongo_StandInWithRootUser_ArchiveIsWholeAndRestores()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "g");

        var run = await h.BackupAsync(BackupStores.Mongo);

        Assert.True(run.State == RunStates.Succeeded, string.Join('\n', run.Log));
        var item = Assert.Single((await h.ManifestAsync()).Items);
        Assert.Matches(@"^mongo/mongo-5\.0-kobo\.test-\d{4}\.\d\d\.\d\d\.\d\d_\d\d\.gz$", item.Key);
        var bytes = await File.ReadAllBytesAsync(Path.Combine(h.Directory, item.Key));
        Assert.Equal(new byte[] { 0x6d, 0xe2, 0x99, 0x81 }, bytes[..4]);
        Assert.Equal(new byte[] { 0xff, 0xff, 0xff, 0xff }, bytes[^4..]);
        var mongo = h.Stack.Containers["mongo"];
        Assert.Equal(0, (await BackupHarness.DockerAsync("cp", Path.Combine(h.Directory, item.Key), $"{mongo}:/tmp/archive.gz")).ExitCode);
        var restore = await BackupHarness.DockerAsync("exec", mongo, "sh", "-c",
            "mongorestore --archive=/tmp/archive.gz --gzip --drop -u \"$MONGO_INITDB_ROOT_USERNAME\" -p \"$MONGO_INITDB_ROOT_PASSWORD\" --authenticationDatabase admin");
        Assert.True(restore.ExitCode == 0, restore.StdErr);
    }

    private static bool Contains(byte[] haystack, string needle) => haystack.AsSpan().IndexOf(Encoding.ASCII.GetBytes(needle)) >= 0;
}
