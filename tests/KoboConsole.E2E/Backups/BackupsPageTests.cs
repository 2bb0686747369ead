using KoboConsole.Testing;
using Microsoft.Playwright;

namespace KoboConsole.E2E.Backups;

public sealed class BackupsPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly string[] RedisOnly = ["redis"];

    [Fact]
    public async Task StartBackup_FromThePageThenThroughTheApi_FollowedLiveToTheOutcomeAndOpenedOnAPhone()
    {
        await using var stack = await TestBedKobo.UpAsync("w");
        var postgres = stack.Values["container.postgres"];
        // Enough rows that the dump takes a few seconds, so progress can be watched.
        var big = await TestBedKobo.DockerAsync("exec", postgres, "psql", "-U", stack.Values["postgres_user"], "-d", "koboform", "-c",
            "CREATE TABLE big AS SELECT g, md5(g::text) || md5(random()::text) AS t FROM generate_series(1, 1000000) g");
        Assert.True(big.Code == 0, big.StdErr);
        var dir = Directory.CreateTempSubdirectory("kc-e2e-backups-").FullName;
        await using var app = new ConsoleAppFactory(new Dictionary<string, string?>
        {
            ["KoboConsole:Stack:Prefix"] = stack.Prefix,
            ["KoboConsole:Backups:Directory"] = dir,
        }, realPort: true);
        var baseUri = app.StartRealServer();
        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUri.ToString(), ViewportSize = new() { Width = 1400, Height = 1000 } });
        var page = await context.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "/backups");

        // Redis is left for the API backup below: a store can be backed up once a minute (kobo's names).
        await page.GetByTestId("backup-start").GetByText("Redis (redis_main)").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Start backup" }).ClickAsync();

        var progress = page.GetByTestId("run-progress");
        await Assertions.Expect(progress).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(progress.GetByTestId("run-item-bytes").First).Not.ToHaveTextAsync("0 B", new() { Timeout = 60_000 });
        await page.ScreenshotAsync(new() { Path = BrowserFixture.DocsScreenshot("backups-progress.png") });
        // The card stays once the run ended and says how.
        await Assertions.Expect(progress).ToHaveAttributeAsync("data-state", "succeeded", new() { Timeout = 180_000 });
        await Assertions.Expect(progress.GetByTestId("run-outcome")).ToContainTextAsync("Succeeded in");

        var catalog = page.GetByTestId("backup-catalog");
        await Assertions.Expect(catalog).ToContainTextAsync("postgres-koboform-15-kobo.test-");
        await Assertions.Expect(catalog).ToContainTextAsync("media-kpi_media-kobo.test-");
        await Assertions.Expect(page.GetByTestId("backup-history").GetByTestId("run-state").First).ToHaveTextAsync("succeeded");
        await Assertions.Expect(page.GetByTestId("kobo-schedule-offer").First).ToContainTextAsync("POSTGRES_BACKUP_SCHEDULE");

        // A schedule (kobo's, imported) is deleted only after a confirmation naming what stops, then says so.
        var schedules = page.GetByTestId("backup-schedules");
        await page.GetByTestId("kobo-schedule-offer").First.GetByRole(AriaRole.Button, new() { Name = "Import it" }).ClickAsync();
        await Assertions.Expect(schedules.GetByTestId("schedule-row")).ToHaveCountAsync(1);
        await schedules.GetByRole(AriaRole.Button, new() { Name = "Delete schedule" }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(confirm).ToContainTextAsync("Delete this schedule?");
        await Assertions.Expect(confirm).ToContainTextAsync("No more backups of postgres to disk");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(schedules.GetByTestId("schedule-row")).ToHaveCountAsync(1);
        await schedules.GetByRole(AriaRole.Button, new() { Name = "Delete schedule" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Assertions.Expect(schedules.GetByTestId("schedule-row")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByText("Schedule of postgres deleted: it starts no more backups.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("retention-preview-disk")).ToContainTextAsync("The next prune would delete");
        await page.ScreenshotAsync(new() { Path = BrowserFixture.DocsScreenshot("backups.png"), FullPage = true });
        await progress.GetByRole(AriaRole.Button, new() { Name = "Dismiss" }).ClickAsync();
        await Assertions.Expect(progress).ToBeHiddenAsync();

        // A backup started elsewhere (here the API, with the page's own cookie) appears on the open page and ends with its outcome, no reload.
        var started = await page.APIRequest.PostAsync("/api/v1/backups", new()
        {
            DataObject = new { stores = RedisOnly, target = "disk" },
            Headers = new Dictionary<string, string> { ["Origin"] = baseUri.GetLeftPart(UriPartial.Authority) },
        });
        Assert.True(started.Status == 202, await started.TextAsync());
        var runId = (await started.JsonAsync())!.Value.GetProperty("runId").GetString()!;
        var card = page.GetByTestId("run-progress").Filter(new() { HasText = runId });
        await Assertions.Expect(card).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "succeeded", new() { Timeout = 60_000 });
        await Assertions.Expect(card.GetByTestId("run-outcome")).ToContainTextAsync("Succeeded in");
        await Assertions.Expect(page.GetByTestId("backup-history").GetByTestId("run-state").First).ToHaveTextAsync("succeeded");

        // Its history row opens the run view, readable at a phone's width.
        await page.SetViewportSizeAsync(390, 844);
        await page.GetByTestId("backup-history").GetByTestId("run-link").First.ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/runs/" + runId, StringComparison.Ordinal));
        await Assertions.Expect(page.GetByTestId("run-outcome")).ToContainTextAsync("Succeeded in");
        await Assertions.Expect(page.GetByTestId("run-items")).ToContainTextAsync("redis-");
        await Assertions.Expect(page.GetByTestId("run-log-line").First).ToBeVisibleAsync();
        var widths = await page.EvaluateAsync<int[]>("() => [document.scrollingElement.scrollWidth, window.innerWidth]");
        Assert.True(widths[0] <= widths[1], $"the run view is {widths[0]}px wide in a {widths[1]}px window");
        await page.ScreenshotAsync(new() { Path = BrowserFixture.DocsScreenshot("run-view-phone.png"), FullPage = true });
        Directory.Delete(dir, recursive: true);
    }
}
