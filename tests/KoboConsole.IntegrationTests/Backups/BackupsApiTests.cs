using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Testing;

namespace KoboConsole.IntegrationTests.Backups;

/// <summary>The v1 API end to end: POST starts a Hangfire job, the runs API follows it, the catalog lists the result.</summary>
public sealed class BackupsApiTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    private static readonly string[] PostgresOnly = ["postgres"];
    private static readonly string[] WithUnknown = ["postgres", "elastic"];

    [Fact]
    public async Task PostBackups_PostgresToDisk_RunSucceedsAndCatalogListsConsoleAndKoboFiles()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "a");
        using var client = await ClientAsync(h.App);

        var post = await client.PostAsJsonAsync("/api/v1/backups", new { stores = PostgresOnly, target = "disk" });
        Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        var runId = (await post.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
        var run = await WaitFinishedAsync(client, runId);

        Assert.Equal("succeeded", run.GetProperty("state").GetString());
        Assert.Equal("backup", run.GetProperty("kind").GetString());
        var items = run.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.All(items, i => Assert.Equal(64, i.GetProperty("sha256").GetString()!.Length));
        Assert.All(items, i => Assert.True(i.GetProperty("startedAt").GetDateTimeOffset() <= i.GetProperty("finishedAt").GetDateTimeOffset()));

        // A file kobo's own cron script would have left in the folder.
        var koboFile = Path.Combine(h.Directory, "postgres", "postgres-kobocat-15-kobo.test-2024.01.02.03_04.pg_dump");
        await File.WriteAllTextAsync(koboFile, "made by kobo");
        await File.WriteAllTextAsync(Path.Combine(h.Directory, "postgres", "notes.txt"), "not a backup");
        var catalog = (await client.GetFromJsonAsync<JsonElement>("/api/v1/backups?store=postgres&target=disk")).EnumerateArray().ToList();

        Assert.Equal(3, catalog.Count);
        var console = catalog.Where(e => e.GetProperty("origin").GetString() == "console").ToList();
        Assert.Equal(2, console.Count);
        Assert.All(console, e => Assert.Equal(runId, e.GetProperty("runId").GetString()));
        Assert.Equal(items.Select(i => i.GetProperty("backupId").GetString()).Order(StringComparer.Ordinal),
            console.Select(e => e.GetProperty("id").GetString()).Order(StringComparer.Ordinal));
        var kobo = Assert.Single(catalog, e => e.GetProperty("origin").GetString() == "kobo");
        Assert.Equal("postgres-kobocat-15-kobo.test-2024.01.02.03_04.pg_dump", kobo.GetProperty("name").GetString());
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 0, TimeSpan.Zero), kobo.GetProperty("createdAt").GetDateTimeOffset());

        var cancel = await client.PostAsync($"/api/v1/runs/{runId}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, cancel.StatusCode);
    }

    [Fact]
    public async Task PostBackups_SameStoreTwiceInOneMinute_SecondRefusedAtOnceFirstSucceeds()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "m");
        using var client = await ClientAsync(h.App);
        // Both requests within one minute of kobo's name resolution: start early in a minute (a dump takes seconds).
        while (DateTime.UtcNow.Second > 30)
        {
            await Task.Delay(500);
        }

        var first = await client.PostAsJsonAsync("/api/v1/backups", new { stores = PostgresOnly, target = "disk" });
        var whileRunning = await client.PostAsJsonAsync("/api/v1/backups", new { stores = PostgresOnly, target = "disk" });
        var run = await WaitFinishedAsync(client, (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!);
        var afterwards = await client.PostAsJsonAsync("/api/v1/backups", new { stores = PostgresOnly, target = "disk" });

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal("succeeded", run.GetProperty("state").GetString());
        foreach (var refused in new[] { whileRunning, afterwards })
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            var detail = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
            Assert.Contains("one-minute resolution", detail, StringComparison.Ordinal);
            Assert.Contains(run.GetProperty("id").GetString()!, detail, StringComparison.Ordinal);
        }

        Assert.Equal(2, System.IO.Directory.GetFiles(Path.Combine(h.Directory, "postgres")).Length);
    }

    [Fact]
    public async Task PostBackups_InvalidFields_422NamesEachField()
    {
        await using var app = new ConsoleAppFactory();
        using var client = await ClientAsync(app);

        var post = await client.PostAsJsonAsync("/api/v1/backups", new { stores = WithUnknown, target = "tape" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, post.StatusCode);
        var errors = (await post.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("'elastic' is not a store", errors.GetProperty("stores")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("disk or s3", errors.GetProperty("target")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/runs/nope")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await client.GetAsync("/api/v1/backups?store=elastic")).StatusCode);
    }

    internal static async Task<HttpClient> ClientAsync(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> app)
    {
        var client = app.CreateClient();
        var token = await client.PostAsJsonAsync("/api/v1/tokens", new { username = ConsoleAppFactory.AdminUser, password = ConsoleAppFactory.AdminPassword, name = "backup tests" });
        token.EnsureSuccessStatusCode();
        var value = (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", value);
        return client;
    }

    private static async Task<JsonElement> WaitFinishedAsync(HttpClient client, string runId)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        JsonElement run = default;
        while (DateTime.UtcNow < deadline)
        {
            run = await client.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{runId}");
            if (run.GetProperty("state").GetString() is "succeeded" or "failed" or "cancelled")
            {
                return run;
            }

            await Task.Delay(250);
        }

        // The run as last seen (state, items with their bytes, log): which step it hung in.
        throw new TimeoutException($"run {runId} did not finish in 3 minutes; last seen: {run.GetRawText()}");
    }
}
