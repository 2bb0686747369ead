using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using KoboConsole.IntegrationTests.Backups;
using KoboConsole.IntegrationTests.Restores;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Drills;
using KoboConsole.Web.Features.Logs;
using KoboConsole.Web.Features.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Metrics;

/// <summary>
/// /metrics as Prometheus scrapes it (a viewer's Bearer token): the numbers move with real backups, restores and drills
/// on a test-bed stack and with live log viewers; anonymous scrapes are refused. In the test-bed
/// collection, so no other backup runs in this process while the deltas are measured.
/// </summary>
[Collection(AloneDefinition.Name)]
public sealed partial class MetricsEndpointTests(TestBedFixture fixture)
{
    private const string Ok = """outcome="succeeded",target="disk" """;

    [Fact]
    public async Task Metrics_AfterBackupsAndAViewer_NumbersMoveAndAnonymousGets401()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "m");
        using var anonymous = h.App.CreateClient();
        using var scraper = await ViewerClientAsync(h);

        using (var refused = await anonymous.GetAsync(new Uri("/metrics", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        var before = await ScrapeAsync(scraper);
        var ok = await h.BackupAsync("redis");
        Assert.Equal("succeeded", ok.State);
        await BackupHarness.DockerAsync("stop", "-t", "1", h.Stack.Containers["redis_main"]);
        var failed = await h.BackupAsync("redis");
        Assert.Equal("failed", failed.State);
        var pump = h.App.Services.GetRequiredService<LogPump>();
        var viewer = pump.Subscribe([new LogSourceKey("local", h.Postgres, h.Postgres)], 100);
        var during = await ScrapeAsync(scraper);
        viewer.Dispose();
        var after = await ScrapeAsync(scraper);

        Assert.Equal(1, Value(during, "koboconsole_backup_runs_total", Ok) - Value(before, "koboconsole_backup_runs_total", Ok));
        Assert.Equal(1, Value(during, "koboconsole_backup_runs_total", """outcome="failed",target="disk" """)
            - Value(before, "koboconsole_backup_runs_total", """outcome="failed",target="disk" """));
        var redis = """store="redis",target="disk" """;
        Assert.Equal(1, Value(during, "koboconsole_backup_item_duration_seconds_count", redis) - Value(before, "koboconsole_backup_item_duration_seconds_count", redis));
        Assert.Equal(ok.Items.Sum(i => i.Bytes), Value(during, "koboconsole_backup_item_size_bytes_sum", redis) - Value(before, "koboconsole_backup_item_size_bytes_sum", redis));
        Assert.Equal(1, Value(during, "koboconsole_backup_item_failures_total", redis) - Value(before, "koboconsole_backup_item_failures_total", redis));
        Assert.Equal(1, Value(during, "koboconsole_logs_viewers", "") - Value(before, "koboconsole_logs_viewers", ""));
        Assert.Equal(Value(before, "koboconsole_logs_viewers", ""), Value(after, "koboconsole_logs_viewers", ""));
    }

    [Fact]
    public async Task Metrics_AfterARestoreAndADrill_RestoreAndDrillNumbersMoveByExactlyThat()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "mr");
        using var admin = await BackupsApiTests.ClientAsync(h.App);
        using var scraper = await ViewerClientAsync(h);
        var backup = await h.BackupAsync("redis");
        Assert.Equal(RunStates.Succeeded, backup.State);
        var before = await ScrapeAsync(scraper);

        var restore = await RestoreRunbookTests.RestoreAsync(admin, new { backupIds = backup.Items.Select(i => i.BackupId!).ToArray(), confirm = "kobo.test" });
        Assert.Equal("succeeded", restore.GetProperty("state").GetString());
        // Redis has a backup, postgres none: one store proven, one failed.
        var drillId = await h.App.Services.GetRequiredService<DrillService>().CreateAsync([BackupStores.Redis, BackupStores.Postgres], "test", CancellationToken.None);
        await h.App.Services.GetRequiredService<DrillRunner>().RunAsync(drillId, CancellationToken.None);
        var after = await ScrapeAsync(scraper);

        double Delta(string name, string labels) => Value(after, name, labels) - Value(before, name, labels);
        Assert.Equal(1, Delta("koboconsole_restore_runs_total", """outcome="succeeded" """));
        Assert.Equal(0, Delta("koboconsole_restore_runs_total", """outcome="failed" """));
        Assert.Equal(1, Delta("koboconsole_restore_run_duration_seconds_count", """outcome="succeeded" """));
        Assert.True(Delta("koboconsole_restore_run_duration_seconds_sum", """outcome="succeeded" """) > 0);
        Assert.Equal(1, Delta("koboconsole_drill_store_results_total", """store="redis",outcome="succeeded" """));
        Assert.Equal(1, Delta("koboconsole_drill_store_results_total", """store="postgres",outcome="failed" """));
        Assert.Equal(2, Delta("koboconsole_drill_store_results_total", ""));
    }

    private static async Task<string> ScrapeAsync(HttpClient client)
    {
        await Task.Delay(400); // past the exporter's 300 ms response cache
        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Sum of the samples of <paramref name="name"/> whose labels include <paramref name="labels"/> (0 when none).</summary>
    private static double Value(string exposition, string name, string labels)
    {
        var wanted = labels.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries);
        return exposition.Split('\n').Select(l => Sample().Match(l)).Where(m => m.Success && m.Groups["name"].Value == name)
            .Where(m => wanted.All(w => m.Groups["labels"].Value.Contains(w, StringComparison.Ordinal)))
            .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>What a Prometheus scraper holds: a token of a viewer account.</summary>
    private static async Task<HttpClient> ViewerClientAsync(BackupHarness h)
    {
        var client = h.App.CreateClient();
        using var admin = await BackupsApiTests.ClientAsync(h.App);
        using (var created = await admin.PostAsJsonAsync("/api/v1/users", new { username = "prometheus", password = "scraper-password-1", role = "viewer" }))
        {
            created.EnsureSuccessStatusCode();
        }

        using var token = await client.PostAsJsonAsync("/api/v1/tokens", new { username = "prometheus", password = "scraper-password-1", name = "prometheus" });
        token.EnsureSuccessStatusCode();
        var value = (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", value);
        return client;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>[^ ]+)")]
    private static partial Regex Sample();
}
