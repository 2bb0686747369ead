using System.Net;
using System.Net.Http.Json;
using KoboConsole.IntegrationTests.TestBed;

namespace KoboConsole.IntegrationTests.Maintenance;

/// <summary>The maintenance container made ahead follows nginx and never serves while nginx does (decision 0028).</summary>
public sealed class PreparedMaintenanceTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    [Fact]
    public async Task Prepared_FollowsNginxThroughToggleNetworkChangeAndRemoval_NeverRunningBesideIt()
    {
        await using var bed = await MaintenanceBed.UpAsync(fixture, "r");
        var docker = bed.Info.FrontendDocker;
        var nginx = bed.Info.Containers["nginx"];

        var first = (await WaitPreparedAsync(bed, p => p.Count == 1, "a container prepared beside nginx"))[0];
        Assert.Equal("created", first.State);
        await AssertNginxServesAsync(bed);

        // Turning on starts the prepared container itself; turning off leaves a new one ready.
        using (var enabled = await bed.Api.PostAsJsonAsync("/api/v1/maintenance/enable", new { eta = "1 hour" }))
        {
            Assert.True(enabled.StatusCode == HttpStatusCode.OK, await enabled.Content.ReadAsStringAsync());
        }

        Assert.Equal([$"{first.Name} running"], await bed.MaintenanceContainersAsync());
        using (var disabled = await bed.Api.PostAsync("/api/v1/maintenance/disable", null))
        {
            Assert.True(disabled.StatusCode == HttpStatusCode.OK, await disabled.Content.ReadAsStringAsync());
        }

        var second = (await WaitPreparedAsync(bed, p => p.Count == 1 && p[0].Name != first.Name, "a new container prepared after turning off"))[0];
        Assert.Equal("created", second.State);
        await AssertNginxServesAsync(bed);

        // nginx joins another network: the prepared container is made again with it, the old one goes.
        var extra = $"{bed.Info.Prefix}-maint-extra";
        await DockerAsync(docker, "network", "create", "--label", $"org.koboconsole.testbed.stack={bed.Info.Stack}", extra);
        try
        {
            await DockerAsync(docker, "network", "connect", extra, nginx);
            var third = (await WaitPreparedAsync(bed, p => p.Count == 1 && p[0].Prepared != second.Prepared, "a container prepared for nginx's new network"))[0];
            Assert.Equal("created", third.State);
            var networks = await DockerAsync(docker, "inspect", "-f", "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}", third.Name);
            Assert.Contains(extra, networks, StringComparison.Ordinal);

            // A prepared container on a network does not keep it: kobo's `compose down` can remove its networks.
            await DockerAsync(docker, "network", "disconnect", extra, nginx);
            await DockerAsync(docker, "network", "rm", extra);
        }
        finally
        {
            await ScriptRunner.DockerAsync(docker, ["network", "rm", extra], CancellationToken.None);
        }

        // nginx goes: so does the prepared container.
        await DockerAsync(docker, "rm", "-f", nginx);
        await WaitPreparedAsync(bed, p => p.Count == 0, "no prepared container once nginx is gone");
    }

    private static async Task AssertNginxServesAsync(MaintenanceBed bed)
    {
        using var site = await bed.GetPublicAsync(await bed.NginxPortAsync());
        Assert.Contains("kpi stand-in", await site.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<string> DockerAsync(string engine, params string[] args)
    {
        var result = await ScriptRunner.DockerAsync(engine, args, CancellationToken.None);
        Assert.True(result.ExitCode == 0, $"docker {string.Join(' ', args)}: {result.StdErr}");
        return result.StdOut;
    }

    /// <summary>Waits (up to 60 s) until the prepared containers meet <paramref name="condition"/>; no prepared container may ever run beside nginx meanwhile.</summary>
    private static async Task<IReadOnlyList<(string Name, string State, string? Prepared)>> WaitPreparedAsync(
        MaintenanceBed bed, Func<IReadOnlyList<(string Name, string State, string? Prepared)>, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var prepared = await bed.PreparedContainersAsync();
            Assert.DoesNotContain(prepared, p => p.State == "running");
            if (condition(prepared))
            {
                return prepared;
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}; prepared: {string.Join(", ", prepared)}");
            await Task.Delay(200);
        }
    }
}
