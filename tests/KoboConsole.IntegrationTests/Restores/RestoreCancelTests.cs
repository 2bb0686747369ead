using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.IntegrationTests.Backups;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Restores;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Restores;

/// <summary><c>POST /api/v1/runs/{id}/cancel</c> while pg_restore is being fed: the run ends in a safe, explained state.</summary>
public sealed class RestoreCancelTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    private const string Locker = "kc-test-locker";

    [Fact]
    public async Task CancelRun_DuringRestoreStep_CancelledWithMaintenanceOnToolEndedAndRollbackOffered()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "rc");
        using var client = await BackupsApiTests.ClientAsync(h.App);
        // Random text compresses poorly: a dump of tens of MB, far more than the pipes between the console and pg_restore hold.
        await h.PsqlAsync("koboform", "CREATE TABLE big AS SELECT g, md5(g::text) || md5((g * 7)::text) || md5(random()::text) AS t FROM generate_series(1, 300000) g");
        var backup = await h.BackupAsync(BackupStores.Postgres);
        Assert.True(backup.State == RunStates.Succeeded, string.Join('\n', backup.Log));
        var koboform = Assert.Single(backup.Items, i => i.Name.Contains("koboform", StringComparison.Ordinal)).BackupId!;
        await h.PsqlAsync("koboform", "DELETE FROM big WHERE g > 1000");

        // A reporting session holds a share lock on the table, so pg_restore's --clean waits in DROP TABLE
        // with most of the dump still unread: the cancel surely lands while the tool is half-fed.
        var locker = BackupHarness.DockerAsync("exec", "-e", $"PGAPPNAME={Locker}", h.Postgres, "psql", "-U", h.Stack.PostgresUser, "-d", "koboform",
            "-c", "BEGIN; LOCK TABLE big IN ACCESS SHARE MODE; SELECT pg_sleep(600);");
        await WaitForAsync(h, $"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{Locker}' AND state = 'active'");
        var post = await client.PostAsJsonAsync("/api/v1/restores", new { backupIds = new[] { koboform }, confirm = "kobo.test" });
        Assert.True(post.StatusCode == HttpStatusCode.Accepted, await post.Content.ReadAsStringAsync());
        var runId = (await post.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
        await WaitForAsync(h, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pg_restore' AND wait_event_type = 'Lock'");

        var cancel = await client.PostAsync($"/api/v1/runs/{runId}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        // Let the reporting session go: pg_restore gets past its DROP, finds its input closed early and ends.
        await h.PsqlAsync("postgres", $"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '{Locker}'");
        await locker;
        var run = await RestoreHarness.WaitEndAsync(client, runId);

        Assert.True(run.GetProperty("state").GetString() == "cancelled", RestoreHarness.Describe(run));
        var error = run.GetProperty("error").GetString()!;
        Assert.Contains("cancelled at step 'restore'", error, StringComparison.Ordinal);
        Assert.Contains("pg_restore into koboform was stopped by a cancel after", error, StringComparison.Ordinal);
        Assert.Matches("exited with code [1-9]", error);
        Assert.Contains("rolled back: koboform is as it was", error, StringComparison.Ordinal);
        Assert.Contains("Maintenance is left ON", error, StringComparison.Ordinal);
        // The tool was waited for: nothing of the restore is left running in PostgreSQL.
        Assert.Equal("0", await h.PsqlAsync("postgres", "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pg_restore'"));
        Assert.Equal("1000", await h.PsqlAsync("koboform", "SELECT count(*) FROM big"));
        Assert.Equal("failed", Assert.Single(run.GetProperty("items").EnumerateArray()).GetProperty("state").GetString());
        Assert.Equal("on", (await client.GetFromJsonAsync<JsonElement>("/api/v1/maintenance")).GetProperty("state").GetString());
        Assert.False(await RestoreRunbookTests.RunningAsync(h.Stack.Containers["kpi"]));
        Assert.Null(await h.App.Services.GetRequiredService<Leases>().GetHolderAsync(RestorePreflight.RestoreLease, CancellationToken.None));
        var result = await client.GetFromJsonAsync<JsonElement>($"/api/v1/restores/{runId}");
        Assert.Equal("restore", result.GetProperty("failedStep").GetString());
        Assert.True(result.GetProperty("maintenanceLeftOn").GetBoolean());
        Assert.Contains(h.Stack.Containers["kpi"], result.GetProperty("writersLeftStopped").EnumerateArray().Select(e => e.GetString()));
        var safetyIds = result.GetProperty("safetyBackupIds").EnumerateArray().Select(e => e.GetString()!).ToList();
        var catalog = (await client.GetFromJsonAsync<JsonElement>("/api/v1/backups?store=postgres")).EnumerateArray().Select(e => e.GetProperty("id").GetString()).ToList();
        Assert.All(safetyIds, id => Assert.Contains(id, catalog));

        // The rollback offered is a guarded restore that ends the cancelled state.
        var rollback = await RestoreRunbookTests.RestoreAsync(client, result.GetProperty("rollback"));

        Assert.True(rollback.GetProperty("state").GetString() == "succeeded", RestoreHarness.Describe(rollback));
        Assert.Equal("1000", await h.PsqlAsync("koboform", "SELECT count(*) FROM big"));
        Assert.Equal("off", (await client.GetFromJsonAsync<JsonElement>("/api/v1/maintenance")).GetProperty("state").GetString());
        Assert.True(await RestoreRunbookTests.RunningAsync(h.Stack.Containers["kpi"]));
    }

    /// <summary>Waits until the count query answers 1 (a state the test set up, reached at PostgreSQL's pace).</summary>
    private static async Task WaitForAsync(BackupHarness h, string countQuery)
    {
        for (var deadline = DateTime.UtcNow.AddMinutes(4); DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            if (await h.PsqlAsync("postgres", countQuery) == "1")
            {
                return;
            }
        }

        throw new TimeoutException($"never true within 4 minutes: {countQuery}");
    }
}
