using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.IntegrationTests.Backups;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.IntegrationTests.Topology;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Runs;

namespace KoboConsole.IntegrationTests.Restores;

/// <summary>
/// Backups and restores beside a real streaming-replication secondary (stack.sh --postgres-secondary,
/// the secondary on a second engine the console knows as "back2"), in each of kobo's role vocabularies.
/// The same stack first shows its replication link, role words and lag in the topology
/// (<see cref="ReplicationTopology"/>).
/// </summary>
public sealed class ReplicationRestoreTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    [Theory]
    [InlineData("primary/secondary")]
    [InlineData("Master/Slave")]
    public async Task TopologyBackupAndRestore_PrimarySecondaryPair_RolesAndLagShownPrimaryDumpedRestoreNeedsAcknowledgementSecondaryFollows(string roles)
    {
        var (primaryWord, secondaryWord) = (roles.Split('/')[0], roles.Split('/')[1]);
        await using var h = await BackupHarness.StartAsync(fixture, "rr", postgresRoles: roles);
        await ReplicationTopology.AssertShownAsync(h.Stack, roles);

        using var client = await BackupsApiTests.ClientAsync(h.App);
        var secondaryDocker = h.Stack.Values["postgres_secondary_docker"];
        var name = h.Stack.Values["postgres_secondary_container"];
        await h.PsqlAsync("koboform", "CREATE TABLE known AS SELECT g FROM generate_series(1, 250) g");

        var backup = await h.BackupAsync(BackupStores.Postgres);

        Assert.True(backup.State == RunStates.Succeeded, string.Join('\n', backup.Log));
        var started = backup.Log.Where(l => l.Contains(": started from ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, started.Count); // koboform and kobocat
        Assert.All(started, l => Assert.Contains(
            $"started from {name} on main (primary: KOBO_POSTGRES_DB_SERVER_ROLE={primaryWord}; the secondary {name} on back2 (secondary: KOBO_POSTGRES_DB_SERVER_ROLE={secondaryWord}) is left alone).",
            l, StringComparison.Ordinal));
        Assert.All((await h.ManifestAsync()).Items, i => Assert.Equal("main", i.SourceHost));
        var ids = backup.Items.Select(i => i.BackupId!).ToArray();

        await h.PsqlAsync("koboform", "DELETE FROM known WHERE g > 10");
        await WaitForSecondaryAsync(secondaryDocker, name, h, "10");

        // Without the acknowledgement: refused, naming the secondary and what happens to it.
        var refused = await client.PostAsJsonAsync("/api/v1/restores", new { backupIds = ids, confirm = "kobo.test" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        var why = problem.GetProperty("errors").GetProperty("acceptReplication")[0].GetString()!;
        Assert.Contains($"the running secondary {name} on back2 (secondary: KOBO_POSTGRES_DB_SERVER_ROLE={secondaryWord})", why, StringComparison.Ordinal);
        Assert.Contains("keeps following", why, StringComparison.Ordinal);
        Assert.Contains("needs no re-seeding", why, StringComparison.Ordinal);
        Assert.Contains("\"acceptReplication\": true", why, StringComparison.Ordinal);
        var preflight = await client.PostAsJsonAsync("/api/v1/restores/preflight", new { backupIds = ids });
        var plan = await preflight.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(plan.GetProperty("canStart").GetBoolean());
        var check = Assert.Single(plan.GetProperty("checks").EnumerateArray(), c => c.GetProperty("name").GetString() == "replication");
        Assert.False(check.GetProperty("ok").GetBoolean());
        Assert.Equal("10", await h.PsqlAsync("koboform", "SELECT count(*) FROM known"));

        // With it: restored into the primary, and the secondary replays the restore.
        var run = await RestoreRunbookTests.RestoreAsync(client, new { backupIds = ids, confirm = "kobo.test", acceptReplication = true });

        Assert.True(run.GetProperty("state").GetString() == "succeeded", RestoreHarness.Describe(run));
        Assert.Contains(run.GetProperty("log").EnumerateArray(), l => l.GetString()!.Contains($"{name} is running on Docker host main; restoring into it (primary: ", StringComparison.Ordinal));
        Assert.Equal("250", await h.PsqlAsync("koboform", "SELECT count(*) FROM known"));
        await WaitForSecondaryAsync(secondaryDocker, name, h, "250");
        Assert.Equal("t", await SecondaryAsync(secondaryDocker, name, h, "SELECT pg_is_in_recovery()"));
    }

    /// <summary>Polls the standby until it has replayed what the test expects (replication is asynchronous).</summary>
    private static async Task WaitForSecondaryAsync(string docker, string name, BackupHarness h, string count)
    {
        var last = "";
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(250))
        {
            last = await SecondaryAsync(docker, name, h, "SELECT count(*) FROM known");
            if (last == count)
            {
                return;
            }
        }

        Assert.Fail($"the secondary still has {last} rows in known, not {count}, after 60 s");
    }

    private static async Task<string> SecondaryAsync(string docker, string name, BackupHarness h, string sql)
    {
        var r = await ScriptRunner.DockerAsync(docker, ["exec", name, "psql", "-U", h.Stack.PostgresUser, "-d", "koboform", "-At", "-c", sql], CancellationToken.None);
        return r.ExitCode == 0 ? r.StdOut.Trim() : $"(psql failed: {r.StdErr.Trim()})";
    }
}
