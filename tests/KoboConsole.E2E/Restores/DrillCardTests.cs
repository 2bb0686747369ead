using System.Text.Json;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Runs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace KoboConsole.E2E.Restores;

/// <summary>The drill card on /backups: red before any drill, a drill started from it, then green for the store that has a backup.</summary>
public sealed class DrillCardTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task DrillNow_FromTheBackupsPage_ProvenStoreTurnsGreenOthersStayRed()
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

        await card.GetByRole(AriaRole.Button, new() { Name = "Drill all stores now" }).ClickAsync();

        await Assertions.Expect(card.GetByTestId("drill-redis")).ToHaveAttributeAsync("data-health", "proven", new() { Timeout = 180_000 });
        await Assertions.Expect(card.GetByTestId("drill-redis")).ToContainTextAsync("last proven restorable:");
        await Assertions.Expect(card.GetByTestId("drill-redis")).ToContainTextAsync("backup redis-7.0.15-kobo.test-");
        // Postgres was never backed up: "no backup yet", not a failed drill.
        await Assertions.Expect(card.GetByTestId("drill-postgres")).ToHaveAttributeAsync("data-health", "nobackup");
        await Assertions.Expect(card.GetByTestId("drill-postgres")).ToContainTextAsync("no backup yet: back up PostgreSQL, then drill");
        await card.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "drills.png") });
        Directory.Delete(dir, recursive: true);
    }
}
