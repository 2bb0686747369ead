using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.IntegrationTests.Backups;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Restores;

/// <summary>Restores from the other sources issue 7 names: the S3 target, and a backup kobo's own cron made.</summary>
public sealed class RestoreSourceTests(TestBedFixture fixture, S3rverFixture s3) : IClassFixture<S3rverFixture>, IClassFixture<TestBedFixture>
{
    private static readonly string[] PostgresOnly = ["postgres"];

    [Fact]
    public async Task PostRestores_FromS3Backup_OriginalDataBackAndMaintenanceOff()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "r3", s3.Settings("r-" + Guid.NewGuid().ToString("N")[..8]));
        using var client = await BackupsApiTests.ClientAsync(h.App);
        await h.PsqlAsync("koboform", "CREATE TABLE known AS SELECT g FROM generate_series(1, 250) g");
        await h.PsqlAsync("kobocat", "CREATE TABLE known_kc AS SELECT g FROM generate_series(1, 120) g");
        await RestoreHarness.RedisAsync(h, "SET", "kc:known", "v1");
        var kpiMedia = Path.Combine(h.KoboDockerDir, ".vols", "kpi_media");
        await File.WriteAllTextAsync(Path.Combine(kpiMedia, "user1", "known.txt"), "known kpi file");
        var backup = await BackupToS3Async(h, BackupStores.All.ToArray());
        Assert.True(backup.State == RunStates.Succeeded, string.Join('\n', backup.Log));
        var ids = backup.Items.Select(i => i.BackupId!).ToArray();
        var catalog = (await client.GetFromJsonAsync<JsonElement>("/api/v1/backups")).EnumerateArray().ToList();
        Assert.All(ids, id => Assert.Equal(BackupTargets.S3, catalog.Single(e => e.GetProperty("id").GetString() == id).GetProperty("target").GetString()));

        await h.PsqlAsync("koboform", "DELETE FROM known WHERE g > 10");
        await h.PsqlAsync("kobocat", "DROP TABLE known_kc");
        await RestoreHarness.RedisAsync(h, "DEL", "kc:known");
        File.Delete(Path.Combine(kpiMedia, "user1", "known.txt"));

        var run = await RestoreRunbookTests.RestoreAsync(client, new { backupIds = ids, confirm = "kobo.test" });

        Assert.True(run.GetProperty("state").GetString() == "succeeded", RestoreHarness.Describe(run));
        Assert.Equal("250", await h.PsqlAsync("koboform", "SELECT count(*) FROM known"));
        Assert.Equal("120", await h.PsqlAsync("kobocat", "SELECT count(*) FROM known_kc"));
        Assert.Equal("v1", (await RestoreHarness.RedisAsync(h, "GET", "kc:known")).Trim());
        Assert.Equal("known kpi file", await File.ReadAllTextAsync(Path.Combine(kpiMedia, "user1", "known.txt")));
        Assert.Equal("off", (await client.GetFromJsonAsync<JsonElement>("/api/v1/maintenance")).GetProperty("state").GetString());
        Assert.All(run.GetProperty("items").EnumerateArray(), i => Assert.Equal("succeeded", i.GetProperty("state").GetString()));
        // The bytes came from S3 and hashed to the manifest's (checked in the pre-flight and again while streaming).
        Assert.Contains(run.GetProperty("log").EnumerateArray(), l => l.GetString()!.Contains("from the s3 target", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PostRestores_DumpKobosCronLeftInItsOwnFolder_ListedReadOnlyAndRestored()
    {
        // The console writes to backups/console; kobo's cron writes to backups/postgres (bound at
        // /srv/backups). The console lists kobo's files read-only and restores from them.
        await using var h = await BackupHarness.StartAsync(fixture, "rc", koboDirectory: "");
        using var client = await BackupsApiTests.ClientAsync(h.App);
        await h.PsqlAsync("koboform", "CREATE TABLE known AS SELECT g FROM generate_series(1, 300) g");
        var cron = await BackupHarness.DockerAsync("exec", h.Postgres, "kobo-backup-to-disk", "postgres");
        Assert.True(cron.ExitCode == 0, cron.StdErr);
        await h.PsqlAsync("koboform", "DELETE FROM known WHERE g > 9");

        var catalog = (await client.GetFromJsonAsync<JsonElement>("/api/v1/backups?store=postgres")).EnumerateArray().ToList();
        var entry = Assert.Single(catalog, e => e.GetProperty("name").GetString()!.StartsWith("postgres-koboform-", StringComparison.Ordinal));
        Assert.Equal(BackupTargets.Kobo, entry.GetProperty("target").GetString());
        Assert.Equal(BackupEntry.KoboOrigin, entry.GetProperty("origin").GetString());
        Assert.Equal(2, (await client.GetFromJsonAsync<JsonElement>("/api/v1/backups?target=kobo")).GetArrayLength());
        var write = await client.PostAsJsonAsync("/api/v1/backups", new { stores = PostgresOnly, target = "kobo" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, write.StatusCode);

        var run = await RestoreRunbookTests.RestoreAsync(client, new { backupIds = new[] { entry.GetProperty("id").GetString() }, confirm = "kobo.test", acceptUnverified = true });

        Assert.True(run.GetProperty("state").GetString() == "succeeded", RestoreHarness.Describe(run));
        Assert.Equal("300", await h.PsqlAsync("koboform", "SELECT count(*) FROM known"));
        Assert.True(File.Exists(Path.Combine(h.KoboDockerDir, "backups", "postgres", entry.GetProperty("name").GetString()!)), "the restore moved or removed kobo's file");
    }

    [Fact]
    public async Task PostRestores_KoboMadeDump_RefusedWithoutAcceptUnverifiedThenRestored()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "rk");
        using var client = await BackupsApiTests.ClientAsync(h.App);
        await h.PsqlAsync("koboform", "CREATE TABLE known AS SELECT g FROM generate_series(1, 300) g");
        // Made the way kobo's cron does: pg_dump --format=custom in the postgres container, kobo's
        // name in the disk target's postgres/ folder, no manifest.
        var name = $"postgres-koboform-15-kobo.test-{DateTime.UtcNow.AddHours(-1).ToString("yyyy.MM.dd.HH_mm", CultureInfo.InvariantCulture)}.pg_dump";
        Directory.CreateDirectory(Path.Combine(h.Directory, "postgres"));
        var dump = await BackupHarness.DockerAsync("exec", h.Postgres, "pg_dump", "-U", h.Stack.PostgresUser, "--format=custom", "-f", "/tmp/kobo-cron.pg_dump", "koboform");
        Assert.True(dump.ExitCode == 0, dump.StdErr);
        var copy = await BackupHarness.DockerAsync("cp", $"{h.Postgres}:/tmp/kobo-cron.pg_dump", Path.Combine(h.Directory, "postgres", name));
        Assert.True(copy.ExitCode == 0, copy.StdErr);
        await h.PsqlAsync("koboform", "DELETE FROM known WHERE g > 7; CREATE TABLE later AS SELECT 1 AS g");

        var catalog = await client.GetFromJsonAsync<JsonElement>("/api/v1/backups?store=postgres");
        var entry = Assert.Single(catalog.EnumerateArray(), e => e.GetProperty("name").GetString() == name);
        Assert.Equal(BackupEntry.KoboOrigin, entry.GetProperty("origin").GetString());
        var id = entry.GetProperty("id").GetString()!;
        var refused = await client.PostAsJsonAsync("/api/v1/restores", new { backupIds = new[] { id }, confirm = "kobo.test" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("acceptUnverified", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("7", await h.PsqlAsync("koboform", "SELECT count(*) FROM known"));

        var run = await RestoreRunbookTests.RestoreAsync(client, new { backupIds = new[] { id }, confirm = "kobo.test", acceptUnverified = true });

        Assert.True(run.GetProperty("state").GetString() == "succeeded", RestoreHarness.Describe(run));
        Assert.Equal("300", await h.PsqlAsync("koboform", "SELECT count(*) FROM known"));
        Assert.Equal("off", (await client.GetFromJsonAsync<JsonElement>("/api/v1/maintenance")).GetProperty("state").GetString());
        var log = run.GetProperty("log").EnumerateArray().Select(l => l.GetString()!).ToList();
        Assert.Contains(log, l => l.Contains("accepted as unverified", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains("no manifest counts to compare", StringComparison.Ordinal));
    }

    private static async Task<RunView> BackupToS3Async(BackupHarness h, string[] stores)
    {
        var runs = h.App.Services.GetRequiredService<RunStore>();
        var runId = await runs.CreateAsync(BackupRunner.Kind, "test", JsonSerializer.Serialize(new StartBackupRequest(stores, BackupTargets.S3), BackupManifest.Json), CancellationToken.None);
        await BackupHarness.WithinAsync(h.App.Services.GetRequiredService<BackupRunner>().RunAsync(runId, CancellationToken.None), h.App.Services.GetRequiredService<RunStore>(), runId);
        return (await runs.GetAsync(runId, CancellationToken.None))!;
    }
}
