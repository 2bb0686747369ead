using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.IntegrationTests.Backups;
using KoboConsole.IntegrationTests.Restores;
using KoboConsole.IntegrationTests.TestBed;

namespace KoboConsole.IntegrationTests.Upgrades;

/// <summary>
/// A real PostgreSQL 15 → 17 upgrade of a test-bed stack with PostGIS (bookworm's 15 with PostGIS
/// 3.3 to trixie's 17 with PostGIS 3.5; the seed puts points in kobocat's logger_instance.geom),
/// then the rollback to 15. One stack, one test: each step needs the previous one. The MongoDB plan
/// is read from the same stack at the end.
/// </summary>
public sealed class PostgresUpgradeTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    private const string Target = "kobo-testbed/postgres17:latest";
    private const string Reason = "test bed: no drill needed for a throwaway stack";
    private const string PostgisVersion = "SELECT extversion FROM pg_extension WHERE extname = 'postgis'";
    private const string Geometries = "SELECT id || ' ' || ST_AsText(geom) FROM logger_instance WHERE geom IS NOT NULL ORDER BY id";

    [Fact]
    public async Task Upgrade_15To17ThenRollback_RowsEqualOldDataUntouched()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "upg", fresh: true); // replaces the postgres container
        using var client = await BackupsApiTests.ClientAsync(h.App);
        await h.PsqlAsync("koboform", "CREATE TABLE upg_rows AS SELECT g, md5(g::text) AS t FROM generate_series(1, 4321) g");
        await h.PsqlAsync("kobocat", "CREATE TABLE upg_rows AS SELECT g FROM generate_series(1, 1234) g");
        var oldData = Path.Combine(h.KoboDockerDir, ".vols", "db");
        var postgisBefore = await h.PsqlAsync("kobocat", PostgisVersion);
        var geomBefore = await h.PsqlAsync("kobocat", Geometries);
        Assert.Matches(@"^3\.\d+", postgisBefore);
        Assert.Equal(50, geomBefore.Split('\n').Length);
        Assert.Contains("GEOMETRYCOLLECTION(POINT(", geomBefore, StringComparison.Ordinal);

        // Pre-flight: no drill yet, so refused until a reason is typed; nothing touched.
        var refused = await PreflightAsync(client, null);
        Assert.False(refused.GetProperty("canStart").GetBoolean());
        var plan = await PreflightAsync(client, Reason);
        Assert.True(plan.GetProperty("canStart").GetBoolean(), plan.ToString());
        Assert.Equal(15, plan.GetProperty("currentMajor").GetInt32());
        Assert.Equal(17, plan.GetProperty("targetMajor").GetInt32());
        Assert.Equal(oldData + "-pg17", plan.GetProperty("newDataSource").GetString());

        // Prepare: the new data directory is filled and verified; the old server keeps its data.
        var prepare = await PostAsync(client, "/api/v1/upgrades/postgres", new { targetImage = Target, confirm = "kobo.test", skipBackupReason = Reason });
        Assert.True(prepare.GetProperty("state").GetString() == "succeeded", RestoreHarness.Describe(prepare));
        var upgradeId = prepare.GetProperty("id").GetString()!;
        Assert.Equal("17", (await File.ReadAllTextAsync(Path.Combine(oldData + "-pg17", "PG_VERSION"))).Trim());
        Assert.Equal("prepared", (await client.GetFromJsonAsync<JsonElement>($"/api/v1/upgrades/postgres/{upgradeId}")).GetProperty("stage").GetString());
        Assert.Equal("on", (await client.GetFromJsonAsync<JsonElement>("/api/v1/maintenance")).GetProperty("state").GetString());

        // Switch: postgres runs 17 on the new data with the same rows; kobo is back.
        var switched = await PostAsync(client, $"/api/v1/upgrades/postgres/{upgradeId}/switch", new { confirm = "kobo.test" });
        Assert.True(switched.GetProperty("state").GetString() == "succeeded", RestoreHarness.Describe(switched));
        var newName = h.Postgres + "-new";
        Assert.StartsWith("17", await PsqlInAsync(h, newName, "postgres", "SHOW server_version"), StringComparison.Ordinal);
        Assert.Equal("4321", await PsqlInAsync(h, newName, "koboform", "SELECT count(*) FROM upg_rows"));
        Assert.Equal("1234", await PsqlInAsync(h, newName, "kobocat", "SELECT count(*) FROM upg_rows"));
        Assert.Equal("50", await PsqlInAsync(h, newName, "kobocat", "SELECT count(*) FROM logger_instance WHERE geom IS NOT NULL"));
        Assert.Equal(geomBefore, await PsqlInAsync(h, newName, "kobocat", Geometries));
        foreach (var db in new[] { "koboform", "kobocat" })
        {
            // Present on 17 and at the version 17's PostGIS installs by default (newer than 15's).
            var now = await PsqlInAsync(h, newName, db, PostgisVersion);
            Assert.Equal(await PsqlInAsync(h, newName, db, "SELECT default_version FROM pg_available_extensions WHERE name = 'postgis'"), now);
            Assert.NotEqual(postgisBefore, now);
        }

        Assert.Contains($"postgis in kobocat: {postgisBefore} → ", RestoreHarness.Describe(prepare), StringComparison.Ordinal);
        Assert.Equal("off", (await client.GetFromJsonAsync<JsonElement>("/api/v1/maintenance")).GetProperty("state").GetString());
        Assert.True(await RestoreRunbookTests.RunningAsync(h.Stack.Containers["kpi"]));
        Assert.False(await RestoreRunbookTests.RunningAsync(h.Postgres));
        Assert.Equal("15", (await File.ReadAllTextAsync(Path.Combine(oldData, "PG_VERSION"))).Trim());

        // Rollback: the old container on its untouched 15 data, the new one gone.
        var rolledBack = await PostAsync(client, $"/api/v1/upgrades/postgres/{upgradeId}/rollback", new { confirm = "kobo.test" });
        Assert.True(rolledBack.GetProperty("state").GetString() == "succeeded", RestoreHarness.Describe(rolledBack));
        Assert.StartsWith("15", await h.PsqlAsync("postgres", "SHOW server_version"), StringComparison.Ordinal);
        Assert.Equal("4321", await h.PsqlAsync("koboform", "SELECT count(*) FROM upg_rows"));
        Assert.Equal(geomBefore, await h.PsqlAsync("kobocat", Geometries));
        Assert.Equal(postgisBefore, await h.PsqlAsync("kobocat", PostgisVersion));
        Assert.NotEqual(0, (await BackupHarness.DockerAsync("inspect", newName)).ExitCode);
        Assert.Equal("rolled_back", (await client.GetFromJsonAsync<JsonElement>($"/api/v1/upgrades/postgres/{upgradeId}")).GetProperty("stage").GetString());
        Assert.True(await RestoreRunbookTests.RunningAsync(h.Stack.Containers["kpi"]));

        // On the same stack (a stack costs more than this call): the MongoDB chain from the stand-in's 5.0.
        var mongo = await client.PostAsJsonAsync("/api/v1/upgrades/mongo/plan", new { target = "8.0" });
        Assert.True(mongo.StatusCode == HttpStatusCode.OK, await mongo.Content.ReadAsStringAsync());
        var chain = await mongo.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("5.0", chain.GetProperty("current").GetString());
        Assert.Equal(["mongo:6.0", "mongo:7.0", "mongo:8.0"], chain.GetProperty("hops").EnumerateArray().Select(x => x.GetProperty("image").GetString()));
    }

    private static async Task<JsonElement> PreflightAsync(HttpClient client, string? reason)
    {
        var response = await client.PostAsJsonAsync("/api/v1/upgrades/postgres/preflight", new { targetImage = Target, skipBackupReason = reason });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var runId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
        return await RestoreHarness.WaitEndAsync(client, runId);
    }

    private static async Task<string> PsqlInAsync(BackupHarness h, string container, string database, string sql)
    {
        var r = await BackupHarness.DockerAsync("exec", container, "psql", "-U", h.Stack.PostgresUser, "-d", database, "-At", "-c", sql);
        Assert.True(r.ExitCode == 0, r.StdErr);
        return r.StdOut.Trim();
    }
}
