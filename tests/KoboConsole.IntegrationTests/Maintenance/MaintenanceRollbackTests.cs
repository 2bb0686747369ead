using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.IntegrationTests.TestBed;

namespace KoboConsole.IntegrationTests.Maintenance;

/// <summary>Every failed switch ends with a served site and a message that says what happened.</summary>
public sealed class MaintenanceRollbackTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    [Fact]
    public async Task Enable_MaintenanceImageMissing_RollsBackAndNginxStillServes()
    {
        await using var bed = await MaintenanceBed.UpAsync(fixture, "i",
            new() { ["KoboConsole:Maintenance:Image"] = "kobo-testbed/no-such-image:missing" });

        using var response = await bed.Api.PostAsJsonAsync("/api/v1/maintenance/enable", new { eta = "1 hour" });

        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("create the maintenance container", detail, StringComparison.Ordinal);
        Assert.Contains("Rolled back", detail, StringComparison.Ordinal);
        using var site = await bed.GetPublicAsync(await bed.NginxPortAsync());
        Assert.Contains("kpi stand-in", await site.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await bed.MaintenanceContainersAsync());
        var status = await bed.Api.GetFromJsonAsync<JsonElement>("/api/v1/maintenance");
        Assert.Equal("off", status.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Disable_NginxWillNotStart_KeepsMaintenancePageAndSaysSo()
    {
        await using var bed = await MaintenanceBed.UpAsync(fixture, "n");
        using (var enabled = await bed.Api.PostAsJsonAsync("/api/v1/maintenance/enable", new { eta = "2 hours" }))
        {
            Assert.True(enabled.IsSuccessStatusCode, await enabled.Content.ReadAsStringAsync());
        }

        // nginx's log bind mount becomes a file: Docker can no longer start nginx, as after a botched edit.
        var logDir = Path.Combine(bed.Info.Values["kobo_docker_dir"], "log", "nginx");
        Directory.Delete(logDir, recursive: true);
        await File.WriteAllTextAsync(logDir, "not a directory");

        using var response = await bed.Api.PostAsync("/api/v1/maintenance/disable", null);

        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("maintenance page is served again", detail, StringComparison.Ordinal);
        using var site = await bed.GetPublicAsync(bed.Info.NginxPort);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, site.StatusCode);
        Assert.Contains("2 hours", await site.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var status = await bed.Api.GetFromJsonAsync<JsonElement>("/api/v1/maintenance");
        Assert.Equal("on", status.GetProperty("state").GetString());
        File.Delete(logDir);
    }

    [Fact]
    public async Task Enable_MaintenanceContainerWillNotStart_RollsBackAndNginxServesAgain()
    {
        // An image without nginx: creating the container (ahead, or by the switch) works, starting
        // it fails after nginx was stopped, the one moment a switch can leave the site dark.
        await using var bed = await MaintenanceBed.UpAsync(fixture, "p",
            new() { ["KoboConsole:Maintenance:Image"] = "kobo-testbed/busybox:latest" });

        using var response = await bed.Api.PostAsJsonAsync("/api/v1/maintenance/enable", new { eta = "1 hour" });

        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("start the maintenance container", detail, StringComparison.Ordinal);
        Assert.Contains("Rolled back", detail, StringComparison.Ordinal);
        using var site = await bed.GetPublicAsync(await bed.NginxPortAsync());
        Assert.Contains("kpi stand-in", await site.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await bed.MaintenanceContainersAsync());
    }
}
