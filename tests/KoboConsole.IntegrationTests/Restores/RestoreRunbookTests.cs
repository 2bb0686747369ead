using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.IntegrationTests.Backups;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Restores;

/// <summary>The restore runbook through the API on a real test-bed stack (issue 7, "Done when").</summary>
public sealed class RestoreRunbookTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    private static readonly string[] PostgresOnly = ["postgres"];

    [Fact]
    public async Task PostRestores_DataChangedAfterBackup_OriginalDataBackAndMaintenanceOff()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "ra");
        using var client = await BackupsApiTests.ClientAsync(h.App);
        await h.PsqlAsync("koboform", "CREATE TABLE known AS SELECT g FROM generate_series(1, 250) g");
        await h.PsqlAsync("kobocat", "CREATE TABLE known_kc AS SELECT g FROM generate_series(1, 120) g");
        await RestoreHarness.RedisAsync(h, "SET", "kc:known", "v1");
        var kpiMedia = Path.Combine(h.KoboDockerDir, ".vols", "kpi_media");
        var kcMedia = Path.Combine(h.KoboDockerDir, ".vols", "kobocat_media_uploads");
        await File.WriteAllTextAsync(Path.Combine(kpiMedia, "user1", "known.txt"), "known kpi file");
        await File.WriteAllTextAsync(Path.Combine(kcMedia, "user1", "known.txt"), "known kobocat file");
        var backup = await h.BackupAsync(BackupStores.All.ToArray());
        Assert.True(backup.State == RunStates.Succeeded, string.Join('\n', backup.Log));
        var ids = backup.Items.Select(i => i.BackupId!).ToArray();

        // Change and delete data after the backup.
        await h.PsqlAsync("koboform", "DELETE FROM known WHERE g > 10");
        await h.PsqlAsync("kobocat", "DROP TABLE known_kc");
        await RestoreHarness.RedisAsync(h, "DEL", "kc:known");
        await RestoreHarness.RedisAsync(h, "SET", "kc:new", "later");
        File.Delete(Path.Combine(kpiMedia, "user1", "known.txt"));
        await File.WriteAllTextAsync(Path.Combine(kcMedia, "user1", "new.txt"), "written after the backup");

        var run = await RestoreAsync(client, new { backupIds = ids, confirm = "kobo.test" });

        Assert.True(run.GetProperty("state").GetString() == "succeeded", RestoreHarness.Describe(run));
        Assert.Equal("250", await h.PsqlAsync("koboform", "SELECT count(*) FROM known"));
        Assert.Equal("120", await h.PsqlAsync("kobocat", "SELECT count(*) FROM known_kc"));
        Assert.Equal("v1", (await RestoreHarness.RedisAsync(h, "GET", "kc:known")).Trim());
        Assert.Equal("0", (await RestoreHarness.RedisAsync(h, "EXISTS", "kc:new")).Trim());
        Assert.Equal("known kpi file", await File.ReadAllTextAsync(Path.Combine(kpiMedia, "user1", "known.txt")));
        Assert.False(File.Exists(Path.Combine(kcMedia, "user1", "new.txt")));
        Assert.Equal("off", (await client.GetFromJsonAsync<JsonElement>("/api/v1/maintenance")).GetProperty("state").GetString());
        Assert.True(await RunningAsync(h.Stack.Containers["kpi"]));
        Assert.All(run.GetProperty("items").EnumerateArray(), i => Assert.Equal("succeeded", i.GetProperty("state").GetString()));
        var result = await client.GetFromJsonAsync<JsonElement>($"/api/v1/restores/{run.GetProperty("id").GetString()}");
        Assert.NotEmpty(result.GetProperty("safetyBackupIds").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("rollback").ValueKind);
        Assert.False(result.GetProperty("maintenanceLeftOn").GetBoolean());
    }

    [Fact]
    public async Task PostRestores_HashMismatch_RefusedBeforeAnythingIsStopped()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "rh");
        using var client = await BackupsApiTests.ClientAsync(h.App);
        var backup = await h.BackupAsync(BackupStores.Postgres);
        Assert.Equal(RunStates.Succeeded, backup.State);
        var manifest = await h.ManifestAsync();
        var item = manifest.Items[0];
        // Same size, one byte different: the catalog still takes it for the console-made file.
        var path = Path.Combine(h.Directory, item.Key);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 0xff;
        await File.WriteAllBytesAsync(path, bytes);
        var kpiBefore = await StartedAtAsync(h.Stack.Containers["kpi"]);
        var pgBefore = await StartedAtAsync(h.Postgres);
        var filesBefore = h.Files();

        var run = await RestoreAsync(client, new { backupIds = new[] { BackupIds.Of("disk", item.Key) }, confirm = "kobo.test" });

        Assert.Equal("failed", run.GetProperty("state").GetString());
        Assert.Contains("failed at step 'pre-flight'", run.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("but the manifest says", run.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", run.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(kpiBefore, await StartedAtAsync(h.Stack.Containers["kpi"]));
        Assert.Equal(pgBefore, await StartedAtAsync(h.Postgres));
        Assert.Equal("off", (await client.GetFromJsonAsync<JsonElement>("/api/v1/maintenance")).GetProperty("state").GetString());
        Assert.Equal(filesBefore, h.Files());

        // A file whose size differs is not the manifest's any more: kobo-made, so it needs acceptUnverified.
        await File.AppendAllTextAsync(path, "x");
        var unverified = await client.PostAsJsonAsync("/api/v1/restores", new { backupIds = new[] { BackupIds.Of("disk", item.Key) }, confirm = "kobo.test" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unverified.StatusCode);
        Assert.Contains("acceptUnverified", await unverified.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var wrongConfirm = await client.PostAsJsonAsync("/api/v1/restores", new { backupIds = new[] { BackupIds.Of("disk", manifest.Items[1].Key) }, confirm = "example.org" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrongConfirm.StatusCode);
        Assert.Contains("kobo.test", await wrongConfirm.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // While a restore holds a store, a backup of it is refused with a reason.
        var leases = h.App.Services.GetRequiredService<Leases>();
        await using (await leases.TryAcquireAsync(BackupLeases.Of("postgres"), BackupLeases.RestorePrefix + "test", TimeSpan.FromMinutes(1), CancellationToken.None))
        {
            var refused = await client.PostAsJsonAsync("/api/v1/backups", new { stores = PostgresOnly, target = "disk" });
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("restore", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task PostRestores_FailureMidRestore_LeavesMaintenanceOnWritersStoppedAndSafetyBackupRestorable()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "rf");
        using var client = await BackupsApiTests.ClientAsync(h.App);
        await h.PsqlAsync("koboform", "CREATE TABLE known AS SELECT g FROM generate_series(1, 50) g");
        var backup = await h.BackupAsync(BackupStores.Postgres);
        Assert.Equal(RunStates.Succeeded, backup.State);
        await h.PsqlAsync("koboform", "INSERT INTO known SELECT g FROM generate_series(51, 55) g");
        // An honest failure: a view made after the backup depends on a table the dump replaces, so
        // pg_restore --clean cannot drop that table (a real case: admins add reporting views).
        await h.PsqlAsync("koboform", "CREATE SCHEMA reports; CREATE VIEW reports.known_view AS SELECT g FROM public.known");

        var failed = await RestoreAsync(client, new { backupIds = backup.Items.Select(i => i.BackupId).ToArray(), confirm = "kobo.test" });

        Assert.Equal("failed", failed.GetProperty("state").GetString());
        var error = failed.GetProperty("error").GetString()!;
        Assert.Contains("failed at step 'restore'", error, StringComparison.Ordinal);
        Assert.Contains("depend", error, StringComparison.Ordinal);
        Assert.Contains("Maintenance is left ON", error, StringComparison.Ordinal);
        Assert.Equal("on", (await client.GetFromJsonAsync<JsonElement>("/api/v1/maintenance")).GetProperty("state").GetString());
        Assert.False(await RunningAsync(h.Stack.Containers["kpi"]));
        Assert.False(await RunningAsync(h.Stack.Containers["worker"]));
        // --single-transaction: the database is as it was before the failed restore.
        Assert.Equal("55", await h.PsqlAsync("koboform", "SELECT count(*) FROM known"));
        var result = await client.GetFromJsonAsync<JsonElement>($"/api/v1/restores/{failed.GetProperty("id").GetString()}");
        Assert.Equal("restore", result.GetProperty("failedStep").GetString());
        Assert.True(result.GetProperty("maintenanceLeftOn").GetBoolean());
        Assert.Contains(h.Stack.Containers["kpi"], result.GetProperty("writersLeftStopped").EnumerateArray().Select(e => e.GetString()));
        var safetyIds = result.GetProperty("safetyBackupIds").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(2, safetyIds.Count);
        var catalog = (await client.GetFromJsonAsync<JsonElement>("/api/v1/backups?store=postgres")).EnumerateArray().Select(e => e.GetProperty("id").GetString()).ToList();
        Assert.All(safetyIds, id => Assert.Contains(id, catalog));

        // Roll back: restore the safety backup with the request the result offers (itself a guarded restore).
        await h.PsqlAsync("koboform", "DELETE FROM known WHERE g > 3");
        var rollback = await RestoreAsync(client, result.GetProperty("rollback"));

        Assert.True(rollback.GetProperty("state").GetString() == "succeeded", RestoreHarness.Describe(rollback));
        Assert.Equal("55", await h.PsqlAsync("koboform", "SELECT count(*) FROM known"));
        Assert.Equal("off", (await client.GetFromJsonAsync<JsonElement>("/api/v1/maintenance")).GetProperty("state").GetString());
        Assert.True(await RunningAsync(h.Stack.Containers["kpi"]));
        Assert.True(await RunningAsync(h.Stack.Containers["worker"]));
    }

    internal static async Task<JsonElement> RestoreAsync(HttpClient client, object request)
    {
        var post = await client.PostAsJsonAsync("/api/v1/restores", request);
        Assert.True(post.StatusCode == HttpStatusCode.Accepted, await post.Content.ReadAsStringAsync());
        var runId = (await post.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
        var run = await RestoreHarness.WaitEndAsync(client, runId);
        Assert.Equal("restore", run.GetProperty("kind").GetString());
        return run;
    }

    internal static async Task<bool> RunningAsync(string container) =>
        (await BackupHarness.DockerAsync("inspect", "-f", "{{.State.Running}}", container)).StdOut.Trim() == "true";

    internal static async Task<string> StartedAtAsync(string container) =>
        (await BackupHarness.DockerAsync("inspect", "-f", "{{.State.StartedAt}}", container)).StdOut.Trim();
}
