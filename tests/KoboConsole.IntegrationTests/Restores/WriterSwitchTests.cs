using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.IntegrationTests.Backups;
using KoboConsole.IntegrationTests.Docker;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.IntegrationTests.Topology;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Restores;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Restores;

/// <summary>The writers are stopped all at once, each with its own stop timeout, and a writer that will not stop does not leave the others down.</summary>
[Collection(TestBedDefinition.Name)]
public sealed class WriterSwitchTests(TestBedFixture fixture)
{
    [Fact]
    public async Task StopAllAsync_ThreeWriters_AllStopsInFlightAtOnceEachWithItsOwnTimeout()
    {
        var tag = "speed-ws-" + Guid.NewGuid().ToString("N")[..8];
        string[] names = [$"{tag}-a", $"{tag}-b", $"{tag}-c"];
        await using var app = new ConsoleAppFactory(TopologyApi.Settings(null, ("main", BackupHarness.Engine)));
        try
        {
            foreach (var name in names)
            {
                // sleep as PID 1 ignores SIGTERM: each stop lasts its whole timeout, then Docker kills it.
                string[] timeout = name.EndsWith("-a", StringComparison.Ordinal) ? ["--stop-timeout", "2"] : [];
                var run = await BackupHarness.DockerAsync(["run", "-d", "--name", name, "--label", "org.koboconsole.testbed=1", .. timeout, "kobo-testbed/busybox", "sleep", "3600"]);
                Assert.True(run.ExitCode == 0, run.StdErr);
            }

            var ids = new Dictionary<string, string>();
            foreach (var name in names)
            {
                ids[(await BackupHarness.DockerAsync("inspect", "-f", "{{.Id}}", name)).StdOut.Trim()] = name;
            }

            // Every stop waits here until all three were asked for: stops one after another never get past it.
            var begun = 0;
            var allAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var timeouts = new ConcurrentDictionary<string, TimeSpan?>();
            var hosts = new InterceptedHosts(app.Services.GetRequiredService<DockerHosts>(), (_, method, args, proceed) =>
            {
                if (method.Name != nameof(IContainerEngine.StopContainerAsync))
                {
                    return proceed();
                }

                timeouts[ids[(string)args[0]!]] = (TimeSpan?)args[1];
                if (Interlocked.Increment(ref begun) == names.Length)
                {
                    allAsked.TrySetResult();
                }

                return StopAfterAsync(allAsked.Task, proceed);
            });
            var writers = ids.Select(i => new KoboContainer("main", i.Key, i.Value, "p", "kpi", KoboRole.Frontend, "running", "Up", "kobo-testbed/busybox",
                DateTimeOffset.UtcNow, false, [], [], new Dictionary<string, string>())).ToList();
            var recorded = new List<string>();

            var result = await new WriterSwitch(hosts).StopAllAsync(writers, TimeSpan.FromSeconds(1), w => { recorded.Add(w.Name); return Task.CompletedTask; }, CancellationToken.None);

            Assert.Empty(result.Failures);
            Assert.Equal(names, recorded.Order(StringComparer.Ordinal));
            Assert.Equal(TimeSpan.FromSeconds(2), timeouts[names[0]]);
            Assert.Equal(TimeSpan.FromSeconds(1), timeouts[names[1]]);
            Assert.Equal(TimeSpan.FromSeconds(1), timeouts[names[2]]);
            foreach (var name in names)
            {
                Assert.False(await RestoreRunbookTests.RunningAsync(name), $"{name} still runs");
            }
        }
        finally
        {
            await BackupHarness.DockerAsync(["rm", "-f", .. names]);
        }
    }

    [Fact]
    public async Task PostRestores_OneWriterRefusesToStop_StepFailsAndTheOthersAreStartedAgain()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "ws");
        var worker = (await BackupHarness.DockerAsync("inspect", "-f", "{{.Id}}", h.Stack.Containers["worker"])).StdOut.Trim();
        var stopped = new ConcurrentBag<string>();
        // Only this host is used (h.App is never started): the real engine, except that worker's stop fails as a daemon error would.
        await using var app = h.App.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IDockerHosts>(sp =>
            new InterceptedHosts(sp.GetRequiredService<DockerHosts>(), (engine, method, args, proceed) =>
            {
                if (method.Name != nameof(IContainerEngine.StopContainerAsync))
                {
                    return proceed();
                }

                stopped.Add((string)args[0]!);
                return (string)args[0]! == worker
                    ? Task.FromException(new DockerOperationException(engine.Name, "stop a container", 500, "injected: the container would not stop"))
                    : proceed();
            }))));
        using var client = await BackupsApiTests.ClientAsync(app);
        var runs = app.Services.GetRequiredService<RunStore>();
        var backupRun = await runs.CreateAsync(BackupRunner.Kind, "test", JsonSerializer.Serialize(new StartBackupRequest([BackupStores.Redis], BackupTargets.Disk), BackupManifest.Json), CancellationToken.None);
        await app.Services.GetRequiredService<BackupRunner>().RunAsync(backupRun, CancellationToken.None);
        var backup = (await runs.GetAsync(backupRun, CancellationToken.None))!;
        Assert.True(backup.State == RunStates.Succeeded, string.Join('\n', backup.Log));

        var run = await RestoreRunbookTests.RestoreAsync(client, new { backupIds = backup.Items.Select(i => i.BackupId).ToArray(), confirm = "kobo.test" });

        Assert.Equal("failed", run.GetProperty("state").GetString());
        var error = run.GetProperty("error").GetString()!;
        Assert.Contains("failed at step 'stop writers'", error, StringComparison.Ordinal);
        Assert.Contains("injected: the container would not stop", error, StringComparison.Ordinal);
        Assert.Contains("were started again", error, StringComparison.Ordinal);
        Assert.True(stopped.Count > 2, $"only {stopped.Count} stops were asked for");
        foreach (var service in new[] { "kpi", "worker", "beat", "enketo_express" })
        {
            Assert.True(await RestoreRunbookTests.RunningAsync(h.Stack.Containers[service]), $"{service} was left stopped");
        }

        var result = await client.GetFromJsonAsync<JsonElement>($"/api/v1/restores/{run.GetProperty("id").GetString()}");
        Assert.Equal("stop writers", result.GetProperty("failedStep").GetString());
        Assert.Empty(result.GetProperty("writersLeftStopped").EnumerateArray());
        var steps = result.GetProperty("steps").EnumerateArray().Select(s => (s.GetProperty("step").GetString(), s.GetProperty("inMaintenance").GetBoolean())).ToList();
        Assert.Contains(("maintenance on", true), steps);
        Assert.Contains(("stop writers", true), steps);
        Assert.True(result.GetProperty("downtimeSeconds").GetDouble() > 0);
    }

    private static async Task StopAfterAsync(Task allAsked, Func<object?> proceed)
    {
        await allAsked.WaitAsync(TimeSpan.FromSeconds(60));
        await (Task)proceed()!;
    }
}
