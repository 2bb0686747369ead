using System.Text.Json;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Drills;
using KoboConsole.Web.Features.Runs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace KoboConsole.E2E.Restores;

/// <summary>The drill card on /backups: red before any drill; one store drilled from its menu turns green alone; a store without backup says so.</summary>
public sealed class DrillCardTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task DrillOneStore_FromTheBackupsPage_ThatStoreTurnsGreenOthersSayNoBackup()
    {
        await using var stack = await TestBedKobo.UpAsync("x");
        var dir = Directory.CreateTempSubdirectory("kc-e2e-drills-").FullName;
        await using var app = new ConsoleAppFactory(new Dictionary<string, string?>
        {
            ["KoboConsole:Stack:Prefix"] = stack.Prefix,
            ["KoboConsole:Backups:Directory"] = dir,
        }, realPort: true);
        var baseUri = app.StartRealServer();
        var runs = app.Services.GetRequiredService<RunStore>();
        var backupRun = await runs.CreateAsync(BackupRunner.Kind, "test",
            JsonSerializer.Serialize(new StartBackupRequest([BackupStores.Redis], BackupTargets.Disk), BackupManifest.Json), CancellationToken.None);
        await app.Services.GetRequiredService<BackupRunner>().RunAsync(backupRun, CancellationToken.None);
        Assert.Equal(RunStates.Succeeded, (await runs.GetAsync(backupRun, CancellationToken.None))!.State);
        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUri.ToString(), ViewportSize = new() { Width = 1400, Height = 1000 } });
        var page = await context.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "/backups");
        var card = page.GetByTestId("drill-card");
        await Assertions.Expect(card.GetByTestId("drill-redis")).ToHaveAttributeAsync("data-health", "never");

        // "Drill one store" (a menu): only Redis is drilled. DrillStatusCardTests covers "Drill all stores now".
        await card.GetByTestId("drill-one").GetByRole(AriaRole.Button).ClickAsync();
        await page.Locator(".mud-popover-open").GetByText("Redis (redis_main)", new() { Exact = true }).ClickAsync();

        await Assertions.Expect(card.GetByTestId("drill-redis")).ToHaveAttributeAsync("data-health", "proven", new() { Timeout = 180_000 });
        await Assertions.Expect(card.GetByTestId("drill-redis")).ToContainTextAsync("last proven restorable:");
        await Assertions.Expect(card.GetByTestId("drill-redis")).ToContainTextAsync("backup redis-7.0.15-kobo.test-");
        // Only Redis was drilled: PostgreSQL is still "never proven", not touched by that drill.
        await Assertions.Expect(card.GetByTestId("drill-postgres")).ToHaveAttributeAsync("data-health", "never");
        var drill = Assert.Single(await runs.ListAsync(DrillRunner.Kind, 10, CancellationToken.None));
        Assert.Equal(["redis"], JsonSerializer.Deserialize<JsonElement>(drill.Request!).GetProperty("stores").EnumerateArray().Select(e => e.GetString()));

        // PostgreSQL, never backed up, drilled alone: "no backup yet", not a failed drill.
        await card.GetByTestId("drill-one").GetByRole(AriaRole.Button).ClickAsync();
        await page.Locator(".mud-popover-open").GetByText("PostgreSQL", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(card.GetByTestId("drill-postgres")).ToHaveAttributeAsync("data-health", "nobackup", new() { Timeout = 60_000 });
        await Assertions.Expect(card.GetByTestId("drill-postgres")).ToContainTextAsync("no backup yet: back up PostgreSQL, then drill");
        await Assertions.Expect(card.GetByTestId("drill-redis")).ToHaveAttributeAsync("data-health", "proven");
        await card.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "drills.png") });
        Directory.Delete(dir, recursive: true);
    }
}
