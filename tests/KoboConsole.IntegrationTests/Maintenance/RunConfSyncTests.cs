using System.Net;
using System.Net.Http.Json;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Maintenance;

/// <summary>kobo-install's .run.conf beside the test-bed stack's kobo-docker folder follows the console's maintenance toggle.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // the test bed is Linux only
public sealed class RunConfSyncTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    private const string Off = "\"maintenance_enabled\": false";
    private const string On = "\"maintenance_enabled\": true";

    [Fact]
    public async Task Toggle_OnThenOff_RunConfFlagFollowsAndEveryOtherByteStays()
    {
        await using var bed = await MaintenanceBed.UpAsync(fixture, "r");
        var path = RunConfPath(bed);
        var original = await File.ReadAllTextAsync(path);
        Assert.Contains(Off, original, StringComparison.Ordinal);

        using (var enabled = await bed.Api.PostAsJsonAsync("/api/v1/maintenance/enable", new { eta = "1 hour" }))
        {
            Assert.True(enabled.StatusCode == HttpStatusCode.OK, await enabled.Content.ReadAsStringAsync());
        }

        Assert.Equal(original.Replace(Off, On, StringComparison.Ordinal), await File.ReadAllTextAsync(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));

        using (var disabled = await bed.Api.PostAsync("/api/v1/maintenance/disable", null))
        {
            Assert.True(disabled.StatusCode == HttpStatusCode.OK, await disabled.Content.ReadAsStringAsync());
        }

        Assert.Equal(original, await File.ReadAllTextAsync(path));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, ".run.conf.koboconsole-*"));
    }

    [Fact]
    public async Task Toggle_ReadOnlyRunConf_StillSwitchesAndThePageAndAuditSayTheFlagIsNotInStep()
    {
        await using var bed = await MaintenanceBed.UpAsync(fixture, "r");
        var path = RunConfPath(bed);
        File.SetUnixFileMode(path, UnixFileMode.UserRead);
        var original = await File.ReadAllTextAsync(path);

        using (var enabled = await bed.Api.PostAsJsonAsync("/api/v1/maintenance/enable", new { eta = "1 hour" }))
        {
            Assert.True(enabled.StatusCode == HttpStatusCode.OK, await enabled.Content.ReadAsStringAsync());
        }

        var status = await bed.Api.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/maintenance");
        Assert.Equal("on", status.GetProperty("state").GetString());
        Assert.Equal(original, await File.ReadAllTextAsync(path));
        var audit = await bed.App.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery { Action = "maintenance.enable" }, CancellationToken.None);
        Assert.Contains("cannot keep its maintenance_enabled flag in step", Assert.Single(audit).Details, StringComparison.Ordinal);

        using var browser = bed.App.CreateBrowserLikeClient();
        using (await ConsoleAppFactory.PostLoginAsync(browser, ConsoleAppFactory.AdminUser, ConsoleAppFactory.AdminPassword))
        {
        }

        var page = await browser.GetStringAsync(new Uri("/maintenance", UriKind.Relative));
        Assert.Contains("is read-only: the console cannot keep its maintenance_enabled flag in step", page, StringComparison.Ordinal);
    }

    private static string RunConfPath(MaintenanceBed bed) => Path.Combine(bed.Info.Values["kobo_install_dir"], ".run.conf");
}
