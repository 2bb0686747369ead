using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.IntegrationTests.TestBed;

namespace KoboConsole.IntegrationTests.Maintenance;

/// <summary>Scheduled windows: Hangfire's delayed jobs turn maintenance on and off by themselves.</summary>
public sealed class MaintenanceWindowTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    [Fact]
    public async Task Window_ScheduledThenConsoleRestarted_TurnsMaintenanceOnThenOffByItself()
    {
        await using var bed = await MaintenanceBed.UpAsync(fixture, "w");
        var start = DateTimeOffset.UtcNow.AddSeconds(4);
        var end = start.AddSeconds(35);

        using var created = await bed.Api.PostAsJsonAsync("/api/v1/maintenance/windows", new { start, end, email = "ops@example.org" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var window = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("1 minute", window.GetProperty("eta").GetString());
        // The console that scheduled it goes away before the window starts; a new one on the same storage runs it.
        await bed.RestartAppAsync();

        // Hangfire looks for due delayed jobs every 15 s, so each switch happens up to 15 s after its time.
        await WaitForStateAsync(bed, "on", TimeSpan.FromSeconds(60));
        using (var during = await bed.GetPublicAsync(bed.Info.NginxPort))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        }

        await WaitForStateAsync(bed, "off", TimeSpan.FromSeconds(60));
        using var after = await bed.GetPublicAsync(await bed.NginxPortAsync());
        Assert.Contains("kpi stand-in", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var status = await bed.Api.GetFromJsonAsync<JsonElement>("/api/v1/maintenance");
        Assert.Equal(0, status.GetProperty("windows").GetArrayLength());
    }

    [Fact]
    public async Task Window_Cancelled_NeverRunsAndInvalidOnesAre422()
    {
        await using var bed = await MaintenanceBed.UpAsync(fixture, "x");
        using var invalid = await bed.Api.PostAsJsonAsync("/api/v1/maintenance/windows",
            new { start = DateTimeOffset.UtcNow.AddHours(-1), end = DateTimeOffset.UtcNow.AddHours(-2) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("start", out _));
        Assert.True(errors.TryGetProperty("end", out _));

        var start = DateTimeOffset.UtcNow.AddSeconds(3);
        using var created = await bed.Api.PostAsJsonAsync("/api/v1/maintenance/windows", new { start, end = start.AddHours(2) });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        Assert.Equal("2 hours", (await bed.Api.GetFromJsonAsync<JsonElement>("/api/v1/maintenance")).GetProperty("windows")[0].GetProperty("eta").GetString());
        using var cancelled = await bed.Api.DeleteAsync($"/api/v1/maintenance/windows/{id}");
        Assert.Equal(HttpStatusCode.NoContent, cancelled.StatusCode);
        using var again = await bed.Api.DeleteAsync($"/api/v1/maintenance/windows/{id}");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        await Task.Delay(TimeSpan.FromSeconds(20));
        var status = await bed.Api.GetFromJsonAsync<JsonElement>("/api/v1/maintenance");
        Assert.Equal("off", status.GetProperty("state").GetString());
        Assert.Equal(0, status.GetProperty("windows").GetArrayLength());
    }

    private static async Task WaitForStateAsync(MaintenanceBed bed, string state, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        var last = "";
        while (DateTimeOffset.UtcNow < deadline)
        {
            last = (await bed.Api.GetFromJsonAsync<JsonElement>("/api/v1/maintenance")).GetProperty("state").GetString() ?? "";
            if (last == state)
            {
                return;
            }

            await Task.Delay(500);
        }

        Assert.Fail($"maintenance stayed '{last}' instead of becoming '{state}' within {timeout}");
    }
}
