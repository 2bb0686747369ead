using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.Testing;
using Microsoft.Playwright;

namespace KoboConsole.E2E.Restores;

[Collection(BrowserTests.Name)]
public sealed class RestoreWizardTests(BrowserFixture browser)
{
    private static readonly string[] PostgresOnly = ["postgres"];

    [Fact]
    public async Task RestoreWizard_TypedConfirmation_DataBackAndMaintenanceOff()
    {
        await using var stack = await TestBedKobo.UpAsync("z");
        var dir = Directory.CreateTempSubdirectory("kc-e2e-restores-").FullName;
        await using var app = new ConsoleAppFactory(new Dictionary<string, string?>
        {
            ["KoboConsole:Stack:Prefix"] = stack.Prefix,
            ["KoboConsole:Backups:Directory"] = dir,
        }, realPort: true);
        var baseUri = app.StartRealServer();
        using var api = await ApiClientAsync(baseUri);
        Assert.Equal("250", await PsqlAsync(stack, "CREATE TABLE known AS SELECT g FROM generate_series(1, 250) g; SELECT count(*) FROM known"));
        var backupRun = await BackupPostgresAsync(api);
        Assert.Equal("5", await PsqlAsync(stack, "DELETE FROM known WHERE g > 5; SELECT count(*) FROM known"));

        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUri.ToString(), ViewportSize = new() { Width = 1400, Height = 1700 } });
        var page = await SignInAsync(context);

        // 1. the whole set of the backup run (both PostgreSQL databases); 2. pre-flight.
        await page.GetByText($"Whole set: console backup run {backupRun} (disk)").ClickAsync();
        await Assertions.Expect(page.GetByTestId("backup-choice").GetByRole(AriaRole.Checkbox, new() { Checked = true })).ToHaveCountAsync(2);
        await page.GetByRole(AriaRole.Button, new() { Name = "Run pre-flight" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("preflight-summary")).ToHaveTextAsync("Pre-flight passed.", new() { Timeout = 60_000 });
        Assert.DoesNotContain("fail", await page.GetByTestId("check-verdict").AllTextContentsAsync());

        // 3. the plan: Restore stays disabled until the kobo public domain is typed.
        var plan = page.GetByTestId("restore-plan");
        await Assertions.Expect(plan.GetByTestId("plan-item")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByTestId("restore-start")).ToBeDisabledAsync();
        await page.GetByLabel("Type kobo.test to confirm").FillAsync("kobo.example.org");
        await Assertions.Expect(page.GetByTestId("restore-start")).ToBeDisabledAsync();
        await page.GetByLabel("Type kobo.test to confirm").FillAsync("kobo.test");
        await Assertions.Expect(page.GetByTestId("restore-start")).ToBeEnabledAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "restore-plan.png"), FullPage = true });
        await page.GetByTestId("restore-start").ClickAsync();

        // 4. the run, live, to the end.
        var run = page.GetByTestId("restore-run");
        await Assertions.Expect(run).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("restore-outcome")).ToBeVisibleAsync(new() { Timeout = 300_000 });
        await Assertions.Expect(page.GetByTestId("restore-outcome")).ToContainTextAsync("every step succeeded");
        Assert.All(await run.GetByTestId("restore-step").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.state)"), s => Assert.Equal("succeeded", s));
        await Assertions.Expect(run.Locator("[data-step='verify'] [data-testid=step-log]")).ToContainTextAsync("row counts");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "restore-finished.png"), FullPage = true });

        Assert.Equal("250", await PsqlAsync(stack, "SELECT count(*) FROM known"));
        Assert.Equal("off", (await api.GetFromJsonAsync<JsonElement>("/api/v1/maintenance")).GetProperty("state").GetString());
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task RestoreWizard_RestoreFailsMidway_FailedStepShownAndRollbackRestoresData()
    {
        await using var stack = await TestBedKobo.UpAsync("zf");
        var dir = Directory.CreateTempSubdirectory("kc-e2e-restores-").FullName;
        await using var app = new ConsoleAppFactory(new Dictionary<string, string?>
        {
            ["KoboConsole:Stack:Prefix"] = stack.Prefix,
            ["KoboConsole:Backups:Directory"] = dir,
        }, realPort: true);
        var baseUri = app.StartRealServer();
        using var api = await ApiClientAsync(baseUri);
        Assert.Equal("50", await PsqlAsync(stack, "CREATE TABLE known AS SELECT g FROM generate_series(1, 50) g; SELECT count(*) FROM known"));
        var backupRun = await BackupPostgresAsync(api);
        // A real failure, as admins meet it: a reporting view made after the backup depends on a table
        // the dump replaces, so pg_restore --clean cannot drop it (the pre-flight cannot know).
        Assert.Equal("55", await PsqlAsync(stack, "INSERT INTO known SELECT g FROM generate_series(51, 55) g; SELECT count(*) FROM known"));
        await PsqlAsync(stack, "CREATE SCHEMA reports; CREATE VIEW reports.known_view AS SELECT g FROM public.known; SELECT 1");

        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUri.ToString(), ViewportSize = new() { Width = 1400, Height = 1700 } });
        var page = await SignInAsync(context);
        await page.GetByText($"Whole set: console backup run {backupRun} (disk)").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Run pre-flight" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("preflight-summary")).ToHaveTextAsync("Pre-flight passed.", new() { Timeout = 60_000 });
        await page.GetByLabel("Type kobo.test to confirm").FillAsync("kobo.test");
        await page.GetByTestId("restore-start").ClickAsync();

        // The failed step, why, and that maintenance stays on.
        var outcome = page.GetByTestId("restore-outcome");
        await Assertions.Expect(outcome).ToBeVisibleAsync(new() { Timeout = 300_000 });
        await Assertions.Expect(outcome).ToContainTextAsync("The restore stopped at step 'restore'");
        await Assertions.Expect(outcome).ToContainTextAsync("depend");
        await Assertions.Expect(page.GetByTestId("maintenance-on")).ToContainTextAsync("Maintenance is still ON");
        var run = page.GetByTestId("restore-run");
        await Assertions.Expect(run.Locator("[data-step='restore']")).ToHaveAttributeAsync("data-state", "failed");
        await Assertions.Expect(run.Locator("[data-step='restore'] [data-testid=step-log]")).ToContainTextAsync("depend");
        Assert.Equal("on", (await api.GetFromJsonAsync<JsonElement>("/api/v1/maintenance")).GetProperty("state").GetString());
        Assert.Equal("55", await PsqlAsync(stack, "SELECT count(*) FROM known"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "restore-failed.png"), FullPage = true });
        var failedRunId = (await run.GetByRole(AriaRole.Heading).First.TextContentAsync())!;

        // One click to roll back, behind the same typed confirmation.
        var rollback = page.GetByTestId("rollback");
        await Assertions.Expect(rollback.GetByTestId("rollback-start")).ToBeDisabledAsync();
        await rollback.GetByLabel("Type kobo.test to roll back").FillAsync("kobo.test");
        await rollback.GetByRole(AriaRole.Button, new() { Name = "Roll back to the safety backup" }).ClickAsync();

        await Assertions.Expect(run.GetByRole(AriaRole.Heading).First).Not.ToHaveTextAsync(failedRunId, new() { Timeout = 30_000 });
        await Assertions.Expect(outcome).ToContainTextAsync("every step succeeded", new() { Timeout = 300_000 });
        Assert.Equal("55", await PsqlAsync(stack, "SELECT count(*) FROM known"));
        Assert.Equal("off", (await api.GetFromJsonAsync<JsonElement>("/api/v1/maintenance")).GetProperty("state").GetString());
        Directory.Delete(dir, recursive: true);
    }

    private static async Task<IPage> SignInAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/restores");
        await page.GetByLabel("Username").FillAsync(ConsoleAppFactory.AdminUser);
        await page.GetByLabel("Password").FillAsync(ConsoleAppFactory.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/restores", StringComparison.Ordinal));
        await page.Locator("[data-testid=circuit-interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });
        return page;
    }

    private static async Task<HttpClient> ApiClientAsync(Uri baseUri)
    {
        var client = new HttpClient { BaseAddress = baseUri };
        using var token = await client.PostAsJsonAsync("/api/v1/tokens", new { username = ConsoleAppFactory.AdminUser, password = ConsoleAppFactory.AdminPassword, name = "wizard e2e" });
        token.EnsureSuccessStatusCode();
        var value = (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", value);
        return client;
    }

    private static async Task<string> BackupPostgresAsync(HttpClient api)
    {
        using var post = await api.PostAsJsonAsync("/api/v1/backups", new { stores = PostgresOnly, target = "disk" });
        post.EnsureSuccessStatusCode();
        var runId = (await post.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
        for (var deadline = DateTime.UtcNow.AddMinutes(3); DateTime.UtcNow < deadline; await Task.Delay(500))
        {
            var run = await api.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{runId}");
            var state = run.GetProperty("state").GetString();
            if (state is "succeeded" or "failed" or "cancelled")
            {
                Assert.True(state == "succeeded", run.ToString());
                return runId;
            }
        }

        throw new TimeoutException($"backup run {runId} did not finish in 3 minutes.");
    }

    private static async Task<string> PsqlAsync(TestBedKobo stack, string sql)
    {
        var r = await TestBedKobo.DockerAsync("exec", stack.Values["container.postgres"], "psql", "-U", stack.Values["postgres_user"], "-d", "koboform",
            "-At", "-v", "ON_ERROR_STOP=1", "-c", sql);
        Assert.True(r.Code == 0, r.StdErr);
        return r.StdOut.Trim().Split('\n')[^1];
    }
}
