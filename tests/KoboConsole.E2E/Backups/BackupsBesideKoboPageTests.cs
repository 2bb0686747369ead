using System.Security.Cryptography;
using System.Text.Json;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Backups;
using Microsoft.Playwright;

namespace KoboConsole.E2E.Backups;

/// <summary>Issue 15 on the backups page: console backups in kobo's folders are moved on request; a gone file shows as missing.</summary>
public sealed class BackupsBesideKoboPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly DateTimeOffset Old = new(2026, 11, 1, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task BackupsPage_OldConsoleBackupInKobosFolderAndGoneFile_MovedOnConfirmAndMissingShown()
    {
        await using var stack = await TestBedKobo.UpAsync("m");
        var backups = Path.Combine(stack.Values["kobo_docker_dir"], "backups");
        // What an earlier version left: a console Redis backup in kobo's folder, its manifest beside it.
        var oldKey = "redis/" + BackupNames.Redis("7.0.15", "kobo.test", Old);
        var bytes = RandomNumberGenerator.GetBytes(2048);
        await File.WriteAllBytesAsync(Path.Combine(backups, oldKey), bytes);
        WriteManifest(backups, "oldrun", oldKey, bytes);
        // A console backup whose file has gone since (kobo's cron, a person).
        var goneKey = "postgres/" + BackupNames.Postgres("kobocat", "15", "kobo.test", Old.AddDays(1));
        WriteManifest(Path.Combine(backups, "console"), "gonerun", goneKey, RandomNumberGenerator.GetBytes(16));
        await using var app = new ConsoleAppFactory(new Dictionary<string, string?> { ["KoboConsole:Stack:Prefix"] = stack.Prefix }, realPort: true);
        var baseUri = app.StartRealServer();
        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUri.ToString(), ViewportSize = new() { Width = 1400, Height = 1000 } });
        var page = await context.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "/backups");

        var card = page.GetByTestId("safety-move");
        await Assertions.Expect(card).ToContainTextAsync("1 console backup is in kobo's folders where kobo's cron deletes them", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("catalog-missing")).ToContainTextAsync("missing since");
        await card.GetByRole(AriaRole.Button, new() { Name = "Move to safety" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToContainTextAsync("1 file(s) and their manifests move");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Move them" }).ClickAsync();

        await Assertions.Expect(page.GetByText("1 file(s) moved with 1 manifest(s)")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(card).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByTestId("backup-catalog")).ToContainTextAsync(Path.GetFileName(oldKey));
        Assert.False(File.Exists(Path.Combine(backups, oldKey)));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(backups, "console", oldKey)));
    }

    private static void WriteManifest(string root, string runId, string key, byte[] body)
    {
        var item = new ManifestItem(key.Split('/')[0], key, null, "7.0.15", body.Length, Convert.ToHexStringLower(SHA256.HashData(body)), "local", "c", "img", Old, Old, null, null);
        var manifest = new BackupManifest(runId, "0.9", "kobo.test", BackupTargets.Disk, Old, Old, [item]);
        Directory.CreateDirectory(Path.Combine(root, BackupManifest.Folder));
        File.WriteAllBytes(Path.Combine(root, BackupManifest.Folder, BackupManifest.FileName(Old, runId)), JsonSerializer.SerializeToUtf8Bytes(manifest, BackupManifest.Json));
    }
}
