using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.IntegrationTests.Backups;
using KoboConsole.IntegrationTests.Restores;
using KoboConsole.IntegrationTests.TestBed;

namespace KoboConsole.IntegrationTests.Upgrades;

/// <summary>
/// "Recreate with the new image" on a real test-bed stack whose kpi runs from a tag only this test
/// moves: nothing to update at first; a newer image under that tag is listed, and the recreate (with
/// maintenance around it) keeps kpi's environment, networks and aliases, labels, mounts and restart
/// policy; then an image whose command exits at once is rolled back, the previous container running
/// again under its name.
/// </summary>
public sealed class ImageUpdatesTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    private const string Base = "kobo-testbed/busybox:latest";

    [Fact]
    public async Task Recreate_NewerThenBrokenImage_ConfigurationKeptThenRolledBack()
    {
        var tag = $"upgrade-kpi-{Guid.NewGuid():N}"[..20] + ":2.024.36";
        var built = new List<string>();
        Ok(await BackupHarness.DockerAsync("tag", Base, tag));
        try
        {
            await using var h = await BackupHarness.StartAsync(fixture, "iu", fresh: true, stackOptions: ["--image", "kpi=" + tag]);
            using var client = await BackupsApiTests.ClientAsync(h.App);
            var kpi = h.Stack.Containers["kpi"];
            var before = await InspectAsync(kpi);
            Assert.False(Kpi(await UpdatesAsync(client)).GetProperty("updateAvailable").GetBoolean());
            using (var none = await client.PostAsync(new Uri("/api/v1/stack/updates/kpi/recreate", UriKind.Relative), null))
            {
                Assert.Equal(HttpStatusCode.Conflict, none.StatusCode);
            }

            // The admin loads a newer kpi image under the same tag: listed, then recreated with maintenance around it.
            var newer = await BuildAsync(tag, "LABEL kobo.testbed.upgrade=newer", built);
            var listed = Kpi(await UpdatesAsync(client));
            Assert.True(listed.GetProperty("updateAvailable").GetBoolean(), listed.ToString());
            Assert.Equal(newer[7..19], listed.GetProperty("availableImageId").GetString());
            var run = await RecreateAsync(client, new { maintenance = true });
            Assert.True(run.GetProperty("state").GetString() == "succeeded", RestoreHarness.Describe(run));
            var log = RestoreHarness.Describe(run);
            Assert.True(log.IndexOf("▶ maintenance on", StringComparison.Ordinal) is var on and >= 0 && on < log.IndexOf("▶ recreate ", StringComparison.Ordinal)
                && log.IndexOf("▶ maintenance off", StringComparison.Ordinal) > log.IndexOf("▶ recreate ", StringComparison.Ordinal), log);
            var after = await InspectAsync(kpi);
            Assert.Equal(newer, after.GetProperty("Image").GetString());
            Assert.NotEqual(before.GetProperty("Id").GetString(), after.GetProperty("Id").GetString());
            Assert.True(after.GetProperty("State").GetProperty("Running").GetBoolean());
            AssertSameConfiguration(before, after);
            Assert.False(Kpi(await UpdatesAsync(client)).GetProperty("updateAvailable").GetBoolean());
            Assert.Equal("off", (await client.GetFromJsonAsync<JsonElement>("/api/v1/maintenance")).GetProperty("state").GetString());
            await StackOperationsTests.KpiServedAsync(h.Stack);
            Assert.Equal("", await PreviousAsync(kpi));

            // A broken image under the tag: its command exits at once, so the previous container comes back.
            await BuildAsync(tag, """ENTRYPOINT ["/bin/sh", "-c", "exit 3"]""", built);
            var failed = await RecreateAsync(client, new { maintenance = false });
            Assert.True(failed.GetProperty("state").GetString() == "failed", RestoreHarness.Describe(failed));
            var error = failed.GetProperty("error").GetString()!;
            Assert.True(error.Contains("Rolled back", StringComparison.Ordinal) && (error.Contains("exited (code 3)", StringComparison.Ordinal) || error.Contains("exited and was restarted", StringComparison.Ordinal)), RestoreHarness.Describe(failed));
            var back = await InspectAsync(kpi);
            Assert.Equal(after.GetProperty("Id").GetString(), back.GetProperty("Id").GetString());
            Assert.Equal(newer, back.GetProperty("Image").GetString());
            Assert.True(back.GetProperty("State").GetProperty("Running").GetBoolean());
            Assert.Equal("", await PreviousAsync(kpi));
            Assert.True(Kpi(await UpdatesAsync(client)).GetProperty("updateAvailable").GetBoolean());
        }
        finally
        {
            await BackupHarness.DockerAsync(["rmi", tag, .. built]);
        }
    }

    private static void Ok(ProcessResult r) => Assert.True(r.ExitCode == 0, r.StdErr);

    private static async Task<string> BuildAsync(string tag, string line, List<string> built)
    {
        var dir = Directory.CreateTempSubdirectory("upgrade-image-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "Dockerfile"), $"FROM {Base}\n{line}\n");
            var r = await BackupHarness.DockerAsync("build", "-q", "-t", tag, dir.FullName);
            Ok(r);
            var id = (await BackupHarness.DockerAsync("image", "inspect", "-f", "{{.Id}}", tag)).StdOut.Trim();
            built.Add(id);
            return id;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task<JsonElement> UpdatesAsync(HttpClient client) => await client.GetFromJsonAsync<JsonElement>("/api/v1/stack/updates");

    private static JsonElement Kpi(JsonElement updates) => updates.EnumerateArray().Single(u => u.GetProperty("service").GetString() == "kpi");

    private static async Task<JsonElement> RecreateAsync(HttpClient client, object body)
    {
        using var post = await client.PostAsJsonAsync("/api/v1/stack/updates/kpi/recreate", body);
        Assert.True(post.StatusCode == HttpStatusCode.Accepted, $"{(int)post.StatusCode} {await post.Content.ReadAsStringAsync()}");
        var runId = (await post.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
        var run = await RestoreHarness.WaitEndAsync(client, runId);
        Assert.Equal("recreate", run.GetProperty("kind").GetString());
        return run;
    }

    private static async Task<JsonElement> InspectAsync(string container)
    {
        var r = await BackupHarness.DockerAsync("inspect", container);
        Ok(r);
        return JsonDocument.Parse(r.StdOut).RootElement[0].Clone();
    }

    /// <summary>Containers named like the one kept aside during a recreate (none once a run has ended).</summary>
    private static async Task<string> PreviousAsync(string container) =>
        (await BackupHarness.DockerAsync("ps", "-a", "--filter", $"name={container}-previous", "--format", "{{.Names}}")).StdOut.Trim();

    private static void AssertSameConfiguration(JsonElement before, JsonElement after)
    {
        static IEnumerable<string> Strings(JsonElement e) => e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Select(x => x.GetString()!) : [];
        var config = (before.GetProperty("Config"), after.GetProperty("Config"));
        Assert.Equal(Strings(config.Item1.GetProperty("Env")).Order(), Strings(config.Item2.GetProperty("Env")).Order());
        Assert.Equal(Strings(config.Item1.GetProperty("Cmd")), Strings(config.Item2.GetProperty("Cmd")));
        foreach (var label in config.Item1.GetProperty("Labels").EnumerateObject().Where(l => l.Name != "com.docker.compose.image"))
        {
            Assert.Equal(label.Value.GetString(), config.Item2.GetProperty("Labels").TryGetProperty(label.Name, out var v) ? v.GetString() : "(missing)");
        }

        Assert.Equal(before.GetProperty("HostConfig").GetProperty("RestartPolicy").GetProperty("Name").GetString(),
            after.GetProperty("HostConfig").GetProperty("RestartPolicy").GetProperty("Name").GetString());
        Assert.Equal(Mounts(before), Mounts(after));
        var (nb, na) = (Networks(before), Networks(after));
        Assert.Equal(nb.Keys.Order(), na.Keys.Order());
        foreach (var (network, aliases) in nb)
        {
            Assert.Equal(aliases, na[network]);
        }

        Assert.Contains("kpi.internal", nb.Values.SelectMany(a => a));
    }

    private static IEnumerable<string> Mounts(JsonElement c) =>
        c.GetProperty("Mounts").EnumerateArray().Select(m => $"{m.GetProperty("Source").GetString()}:{m.GetProperty("Destination").GetString()}:{m.GetProperty("RW").GetBoolean()}").Order();

    /// <summary>Each network's aliases, without Docker's own short-id alias (a new container has a new id).</summary>
    private static Dictionary<string, List<string>> Networks(JsonElement c)
    {
        var id = c.GetProperty("Id").GetString()!;
        return c.GetProperty("NetworkSettings").GetProperty("Networks").EnumerateObject().ToDictionary(n => n.Name,
            n => (n.Value.TryGetProperty("Aliases", out var a) ? a.EnumerateArray().Select(x => x.GetString()!) : []).Where(x => !id.StartsWith(x, StringComparison.Ordinal)).Order().ToList());
    }
}
