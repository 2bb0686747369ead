using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace KoboConsole.E2E.Restores;

public sealed class RestoreWizardTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task RestoreWizard_TypedConfirmation_DataBackAndMaintenanceOff()
    {
        await using var bed = await WizardBed.StartAsync("z");
        var api = bed.Api;
        Assert.Equal("250", await bed.PsqlAsync("CREATE TABLE known AS SELECT g FROM generate_series(1, 250) g; SELECT count(*) FROM known"));
        var backupRun = await bed.BackupPostgresAsync();
        Assert.Equal("5", await bed.PsqlAsync("DELETE FROM known WHERE g > 5; SELECT count(*) FROM known"));

        await using var context = await bed.NewContextAsync(browser);
        var page = await WizardBed.SignInAsync(context);

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

        Assert.Equal("250", await bed.PsqlAsync("SELECT count(*) FROM known"));
        Assert.Equal("off", (await api.GetFromJsonAsync<JsonElement>("/api/v1/maintenance")).GetProperty("state").GetString());
    }

    [Fact]
    public async Task RestoreWizard_RestoreFailsMidway_FailedStepShownAndRollbackRestoresData()
    {
        await using var bed = await WizardBed.StartAsync("zf");
        var api = bed.Api;
        Assert.Equal("50", await bed.PsqlAsync("CREATE TABLE known AS SELECT g FROM generate_series(1, 50) g; SELECT count(*) FROM known"));
        var backupRun = await bed.BackupPostgresAsync();
        // A real failure, as admins meet it: a reporting view made after the backup depends on a table
        // the dump replaces, so pg_restore --clean cannot drop it (the pre-flight cannot know).
        Assert.Equal("55", await bed.PsqlAsync("INSERT INTO known SELECT g FROM generate_series(51, 55) g; SELECT count(*) FROM known"));
        await bed.PsqlAsync("CREATE SCHEMA reports; CREATE VIEW reports.known_view AS SELECT g FROM public.known; SELECT 1");

        await using var context = await bed.NewContextAsync(browser);
        var page = await WizardBed.SignInAsync(context);
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
        Assert.Equal("55", await bed.PsqlAsync("SELECT count(*) FROM known"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "restore-failed.png"), FullPage = true });
        var failedRunId = (await run.GetByRole(AriaRole.Heading).First.TextContentAsync())!;

        // One click to roll back, behind the same typed confirmation.
        var rollback = page.GetByTestId("rollback");
        await Assertions.Expect(rollback.GetByTestId("rollback-start")).ToBeDisabledAsync();
        await rollback.GetByLabel("Type kobo.test to roll back").FillAsync("kobo.test");
        await rollback.GetByRole(AriaRole.Button, new() { Name = "Roll back to the safety backup" }).ClickAsync();

        await Assertions.Expect(run.GetByRole(AriaRole.Heading).First).Not.ToHaveTextAsync(failedRunId, new() { Timeout = 30_000 });
        await Assertions.Expect(outcome).ToContainTextAsync("every step succeeded", new() { Timeout = 300_000 });
        Assert.Equal("55", await bed.PsqlAsync("SELECT count(*) FROM known"));
        Assert.Equal("off", (await api.GetFromJsonAsync<JsonElement>("/api/v1/maintenance")).GetProperty("state").GetString());
    }
}
