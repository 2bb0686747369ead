using KoboConsole.IntegrationTests.Docker;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Drills;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Drills;

/// <summary>
/// Leftovers of a drill (the console died mid-drill) are removed when the console starts, and only
/// those. Two consoles share one database only on PostgreSQL storage (on SQLite a console that
/// starts fails every running run: decision 0009), so the live drill of the other console is
/// modelled there.
/// </summary>
[Collection(DockerEngineGroup.Name)]
public sealed class DrillJanitorTests(DockerFixture fixture, ConsolePostgresFixture pg) : IClassFixture<ConsolePostgresFixture>
{
    [Fact]
    public async Task Start_LeftoversOfAFinishedDrill_RemovedButNotAnotherConsolesOrTheRunningDrills()
    {
        _ = fixture;
        var settings = new Dictionary<string, string?>
        {
            ["KoboConsole:Stack:Prefix"] = "nostack" + Guid.NewGuid().ToString("N")[..6],
            ["KoboConsole:Storage:Provider"] = "PostgreSql",
            ["KoboConsole:Storage:ConnectionString"] = pg.ConnectionString,
        };
        await using var first = new ConsoleAppFactory(settings);
        var runs = first.Services.GetRequiredService<RunStore>();
        var stale = await runs.CreateAsync(DrillRunner.Kind, "test", "{}", CancellationToken.None);
        await runs.StartAsync(stale, CancellationToken.None);
        var executing = await runs.CreateAsync(DrillRunner.Kind, "test", "{}", CancellationToken.None);
        await runs.StartAsync(executing, CancellationToken.None);
        await using var lease = await first.Services.GetRequiredService<Leases>().TryAcquireAsync(DrillRunner.LeaseName, DrillRunner.LeaseHolder(executing), TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.NotNull(lease);
        var foreign = Guid.NewGuid().ToString("N")[..16];
        var names = new Dictionary<string, string>();
        try
        {
            foreach (var runId in new[] { stale, executing, foreign })
            {
                names[runId] = await LeftoverAsync(runId);
            }

            await using var second = new ConsoleAppFactory(new Dictionary<string, string?>(settings) { ["KoboConsole:Storage:DataDirectory"] = first.DataDirectory });
            _ = second.Services;

            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline && (await ExistsAsync("container", names[stale]) || await ExistsAsync("network", names[stale])))
            {
                await Task.Delay(250);
            }

            Assert.False(await ExistsAsync("container", names[stale]));
            Assert.False(await ExistsAsync("network", names[stale]));
            Assert.True(await ExistsAsync("container", names[executing]));
            Assert.True(await ExistsAsync("container", names[foreign]));
            Assert.True(await ExistsAsync("network", names[foreign]));
        }
        finally
        {
            foreach (var name in names.Values)
            {
                await DrillSandboxTests.DockerAsync("rm", "-f", name);
                await DrillSandboxTests.DockerAsync("network", "rm", name);
            }
        }
    }

    /// <summary>What a killed drill leaves: a labelled internal network and a container on it.</summary>
    private static async Task<string> LeftoverAsync(string runId)
    {
        var name = $"kc-drill-{runId}-test";
        var label = $"{DrillLabels.Run}={runId}";
        Assert.Equal(0, (await DrillSandboxTests.DockerAsync("network", "create", "--internal", "--label", label, name)).ExitCode);
        var run = await DrillSandboxTests.DockerAsync("run", "-d", "--name", name, "--network", name, "--label", label, DockerFixture.Image, "sleep", "300");
        Assert.True(run.ExitCode == 0, run.StdErr);
        return name;
    }

    private static async Task<bool> ExistsAsync(string kind, string name) => (await DrillSandboxTests.DockerAsync(kind, "inspect", name)).ExitCode == 0;
}
