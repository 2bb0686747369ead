using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Web.Features.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Maintenance;

/// <summary>Maintenance mode on a real test-bed stack: real nginx, real Docker, checked from the published port.</summary>
public sealed class MaintenanceToggleTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    [Fact]
    public async Task EnableDisable_PrefixedStack_ServesPageThenSiteAgain()
    {
        await using var bed = await MaintenanceBed.UpAsync(fixture, "m");
        var port = bed.Info.NginxPort;
        using (var before = await bed.GetPublicAsync(port))
        {
            Assert.Contains("kpi stand-in", await before.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var enabled = await bed.Api.PostAsJsonAsync("/api/v1/maintenance/enable",
            new { eta = "3 hours", dateIso = "20261126T0200", email = "ops@example.org" });
        Assert.True(enabled.StatusCode == HttpStatusCode.OK, await enabled.Content.ReadAsStringAsync());
        var on = await enabled.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("on", on.GetProperty("state").GetString());
        Assert.Equal("Thursday, November 26 at 02:00 GMT", on.GetProperty("dateStr").GetString());

        using (var during = await bed.GetPublicAsync(port, "/some/form/path"))
        {
            var body = await during.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
            Assert.Contains("3 hours", body, StringComparison.Ordinal);
            Assert.Contains("Thursday, November 26 at 02:00 GMT", body, StringComparison.Ordinal);
            Assert.Contains("ops@example.org", body, StringComparison.Ordinal);
            Assert.Equal(TimeSpan.FromHours(3), during.Headers.RetryAfter?.Delta);
        }

        using (var health = await bed.GetPublicAsync(port, "/service_health/"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        var status = await bed.Api.GetFromJsonAsync<JsonElement>("/api/v1/maintenance");
        Assert.Equal("on", status.GetProperty("state").GetString());
        Assert.Equal("3 hours", status.GetProperty("eta").GetString());

        // New values mean a new container (the page is rendered before start); no body means kobo's defaults.
        using (var again = await bed.Api.PostAsync("/api/v1/maintenance/enable", null))
        {
            Assert.True(again.StatusCode == HttpStatusCode.OK, await again.Content.ReadAsStringAsync());
        }

        using (var renewed = await bed.GetPublicAsync(port))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, renewed.StatusCode);
            Assert.Contains("2 hours", await renewed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Single(await bed.MaintenanceContainersAsync());

        using var disabled = await bed.Api.PostAsync("/api/v1/maintenance/disable", null);
        Assert.True(disabled.StatusCode == HttpStatusCode.OK, await disabled.Content.ReadAsStringAsync());
        Assert.Equal("off", (await disabled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());
        using (var after = await bed.GetPublicAsync(await bed.NginxPortAsync()))
        {
            Assert.Contains("kpi stand-in", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Empty(await bed.MaintenanceContainersAsync());
        var audit = await bed.App.Services.GetRequiredService<AuditLog>().ReadAsync(10, CancellationToken.None);
        Assert.Contains(audit, a => a.Action == "maintenance.enable" && a.Outcome == "succeeded" && a.Details!.Contains("eta=3 hours", StringComparison.Ordinal) && a.DurationMs > 0);
        Assert.Contains(audit, a => a.Action == "maintenance.disable" && a.Outcome == "succeeded" && a.Actor.StartsWith("admin", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Enable_TwoAtOnce_OneSucceedsOneGets409NamingTheHolder()
    {
        await using var bed = await MaintenanceBed.UpAsync(fixture, "c");

        var first = bed.Api.PostAsJsonAsync("/api/v1/maintenance/enable", new { eta = "1 hour" });
        var second = bed.Api.PostAsJsonAsync("/api/v1/maintenance/enable", new { eta = "2 hours" });
        var responses = await Task.WhenAll(first, second);

        var codes = responses.Select(r => r.StatusCode).Order().ToList();
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], codes);
        var conflict = responses.Single(r => r.StatusCode == HttpStatusCode.Conflict);
        Assert.Contains("in progress by admin", await conflict.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task Enable_InvalidFields_Is422ListingEachField()
    {
        await using var bed = await MaintenanceBed.UpAsync(fixture, "v");

        using var response = await bed.Api.PostAsJsonAsync("/api/v1/maintenance/enable",
            new { eta = "<script>alert(1)</script>", dateIso = "tomorrow", email = "not-an-address" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("eta", out _));
        Assert.True(errors.TryGetProperty("dateIso", out _));
        Assert.True(errors.TryGetProperty("email", out _));
        using var site = await bed.GetPublicAsync(bed.Info.NginxPort);
        Assert.Equal(HttpStatusCode.OK, site.StatusCode);
    }

    [Fact]
    public async Task Disable_KoboInstallsOwnMaintenance_IsRecognisedAndNginxComesBack()
    {
        await using var bed = await MaintenanceBed.UpAsync(fixture, "k");
        var docker = bed.Info.FrontendDocker;
        var port = bed.Info.NginxPort;
        // What `run.py --maintenance` leaves behind: nginx stopped, a `maintenance` service of the kobomaintenance project on nginx's port.
        Assert.Equal(0, (await ScriptRunner.DockerAsync(docker, ["stop", bed.Info.Containers["nginx"]], CancellationToken.None)).ExitCode);
        const string Serve = "mkdir -p /tmp/m && echo '<h1>kobo-install maintenance</h1>' > /tmp/m/index.html && "
            + "printf 'events {} http { server { listen 80; root /tmp/m; location / { return 503; } error_page 503 /index.html; location = /index.html { internal; } } }' > /tmp/m/nginx.conf && "
            + "exec nginx -c /tmp/m/nginx.conf -g 'daemon off;'";
        var run = await ScriptRunner.DockerAsync(docker, ["run", "-d", "--name", $"{bed.Info.Prefix}-kobomaintenance-maintenance-1",
            "--label", $"com.docker.compose.project={bed.Info.Prefix}-kobomaintenance", "--label", "com.docker.compose.service=maintenance",
            "--label", "com.docker.compose.oneoff=False", "--label", $"org.koboconsole.testbed.stack={bed.Info.Stack}",
            "--network", bed.Info.FrontendNetwork, "--network-alias", "nginx", "-p", $"127.0.0.1:{port}:80",
            "-e", "ETA=30 minutes", "-e", "DATE_ISO=20261126T0200", "-e", "DATE_STR=Thursday, November 26 at 02:00 GMT",
            "kobo-testbed/services", "bash", "-c", Serve], CancellationToken.None);
        Assert.True(run.ExitCode == 0, run.StdErr);

        var status = await bed.Api.GetFromJsonAsync<JsonElement>("/api/v1/maintenance");
        Assert.Equal("on", status.GetProperty("state").GetString());
        Assert.Equal("30 minutes", status.GetProperty("eta").GetString());

        using var disabled = await bed.Api.PostAsync("/api/v1/maintenance/disable", null);
        Assert.True(disabled.StatusCode == HttpStatusCode.OK, await disabled.Content.ReadAsStringAsync());
        using var site = await bed.GetPublicAsync(await bed.NginxPortAsync());
        Assert.Contains("kpi stand-in", await site.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // kobo-install's container is stopped, not removed: it is kobo-install's to manage.
        Assert.Equal([$"{bed.Info.Prefix}-kobomaintenance-maintenance-1 exited"], await bed.MaintenanceContainersAsync());
    }
}
