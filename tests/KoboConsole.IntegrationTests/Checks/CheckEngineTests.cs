using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Web.Features.Checks;
using KoboConsole.Web.Features.Maintenance;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Checks;

/// <summary>The background checks against real test-bed stacks, with no page open: only the engine, the API and a webhook.</summary>
[Collection(TestBedDefinition.Name)]
public sealed class CheckEngineTests(TestBedFixture fixture)
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Engine_RedisMainStoppedThenStarted_FailingAlertWithinTwoIntervalsRecoveredAndHistoryHasTheOutage()
    {
        await using var bed = await CheckBed.UpAsync(fixture, "w");
        var redis = bed.Info.Containers["redis_main"];
        await bed.UntilAsync(CheckKinds.Probe, redis, s => s.State == CheckStates.Ok, Settle);

        await bed.DockerAsync("stop", redis);
        var stopped = Stopwatch.StartNew();
        var failing = await bed.AlertAsync(CheckBed.Is("check.failing", CheckKinds.Probe, redis), TimeSpan.FromMinutes(1));
        var took = stopped.Elapsed;

        // The grace period is two checks: the alert goes with the second failing round, so within two intervals.
        Assert.True(took <= CheckBed.Interval * 2 + TimeSpan.FromSeconds(3), $"the failing alert took {took.TotalSeconds:0.0} s");
        var log = await bed.Api.Client.GetFromJsonAsync<List<JsonElement>>("/api/v1/alerts/deliveries?limit=1000", JsonSerializerOptions.Web);
        Assert.Single(log!, d => d.GetProperty("target").GetString() == redis && d.GetProperty("check").GetString() == CheckKinds.Probe && d.GetProperty("event").GetString() == "check.failing" && d.GetProperty("outcome").GetString() == "sent");
        Assert.Equal(CheckStates.Failing, failing.GetProperty("state").GetString());
        Assert.Equal(bed.Info.Domain, failing.GetProperty("install").GetString());
        Assert.Contains("Enketo forms and Celery tasks stop", failing.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(bed.Info.Values["redis_password"], failing.GetRawText(), StringComparison.Ordinal);

        await bed.DockerAsync("start", redis);
        var recovered = await bed.AlertAsync(CheckBed.Is("check.recovered", CheckKinds.Probe, redis), TimeSpan.FromMinutes(1));
        Assert.Equal(CheckStates.Ok, recovered.GetProperty("state").GetString());

        var history = await bed.Api.Client.GetFromJsonAsync<List<CheckChange>>($"/api/v1/checks/history?check=probe&target={redis}", JsonSerializerOptions.Web);
        Assert.Equal([CheckStates.Ok, CheckStates.Failing, CheckStates.Ok], history!.Select(c => c.State));
        var outage = Assert.Single(Uptime.Incidents(history!));
        Assert.True(outage.End is not null && outage.Duration(DateTimeOffset.UtcNow) > TimeSpan.Zero);
        var current = await bed.Api.Client.GetFromJsonAsync<List<CheckResponse>>("/api/v1/checks", JsonSerializerOptions.Web);
        Assert.Equal(CheckStates.Ok, Assert.Single(current!, c => c.Id == $"probe:{redis}").State);
        Assert.Equal(CheckStates.Ok, Assert.Single(current!, c => c.Id == "http:kpi").State);
    }

    [Fact]
    public async Task Engine_MaintenanceWindowRunning_StoppedRedisIsMutedAndNotAlerted()
    {
        await using var bed = await CheckBed.UpAsync(fixture, "x");
        var redis = bed.Info.Containers["redis_main"];
        await bed.UntilAsync(CheckKinds.Probe, redis, s => s.State == CheckStates.Ok, Settle);
        var now = DateTimeOffset.UtcNow;
        var (window, errors) = await bed.Api.App.Services.GetRequiredService<MaintenanceWindows>()
            .CreateAsync(new WindowRequest(now, now.AddHours(1)), "test", CancellationToken.None);
        Assert.Empty(errors);

        await bed.DockerAsync("stop", redis);

        var muted = await bed.UntilAsync(CheckKinds.Probe, redis, s => s.State == CheckStates.Failing, TimeSpan.FromSeconds(30));
        Assert.StartsWith($"maintenance window {window!.Id}", muted.MutedBy, StringComparison.Ordinal);
        // Two more rounds: the grace period (2 checks) has passed and any alert its last round would send has been sent.
        var next = await bed.UntilAsync(CheckKinds.Probe, redis, s => s.CheckedAt > muted.CheckedAt, TimeSpan.FromSeconds(30));
        await bed.UntilAsync(CheckKinds.Probe, redis, s => s.CheckedAt > next.CheckedAt, TimeSpan.FromSeconds(30));
        var received = new List<JsonElement>();
        while (bed.Alerts.Reader.TryRead(out var a))
        {
            received.Add(a);
        }

        // Service checks only: capacity checks (log rotation of the same container) are not maintenance's to mute.
        Assert.DoesNotContain(received, a => a.GetProperty("target").GetString() == redis && CheckKinds.IsService(a.GetProperty("check").GetString()!));
        var current = await bed.Api.Client.GetFromJsonAsync<List<CheckResponse>>("/api/v1/checks", JsonSerializerOptions.Web);
        Assert.True(Assert.Single(current!, c => c.Id == $"probe:{redis}").Muted);
    }

    [Fact]
    public async Task Engine_CrashingWorker_ReportedAsRestartLoop()
    {
        await using var bed = await CheckBed.UpAsync(fixture, "y", new() { ["KoboConsole:Checks:RestartLoopCount"] = "2", ["KoboConsole:Checks:RestartLoopMinutes"] = "5" });
        var name = $"{bed.Info.FrontendProject}-worker_kobocat-1";
        await bed.DockerAsync("run", "-d", "--name", name, "--restart", "always",
            "--label", $"com.docker.compose.project={bed.Info.FrontendProject}", "--label", "com.docker.compose.service=worker_kobocat",
            "--label", "com.docker.compose.oneoff=False", "--label", "org.koboconsole.testbed=1", "--label", $"org.koboconsole.testbed.stack={bed.Info.Stack}",
            "kobo-testbed/busybox:latest", "sh", "-c", "echo crashing; exit 3");

        var loop = await bed.UntilAsync(CheckKinds.Container, name, s => s.State == CheckStates.Failing && s.Message.Contains("restart loop", StringComparison.Ordinal), TimeSpan.FromSeconds(90));

        Assert.Contains("restarts in the last 5 minutes", loop.Message, StringComparison.Ordinal);
        await bed.DockerAsync("rm", "-f", name);
    }

    [Fact]
    public async Task Engine_NoPageOpen_CapacityChecksReadRealDiskRedisAndPostgres()
    {
        await using var bed = await CheckBed.UpAsync(fixture, "z");
        var redis = bed.Info.Containers["redis_main"];
        var postgres = bed.Info.Containers["postgres"];
        static bool Read(CheckStatus s) => s.State != CheckStates.Unknown;

        var disk = await bed.UntilAsync(CheckKinds.Disk, $"postgres@{postgres}", Read, Settle);
        var memory = await bed.UntilAsync(CheckKinds.RedisMemory, redis, Read, Settle);
        var connections = await bed.UntilAsync(CheckKinds.PostgresConnections, postgres, Read, Settle);
        var backups = await bed.UntilAsync(CheckKinds.Disk, "backups@disk", Read, Settle);
        var somaxconn = await bed.UntilAsync(CheckKinds.HostKernel, "somaxconn@main", Read, Settle);
        var dockerRoot = await bed.UntilAsync(CheckKinds.Disk, "docker-root@main", Read, Settle);
        var kobocatMedia = await bed.UntilAsync(CheckKinds.Disk, "kobocat_media@main", Read, Settle);

        Assert.Matches(@"PostgreSQL's data \(/var/lib/postgresql/data in .+\): \d+ % used, .+ free of .+; not enough samples yet", disk.Message);
        Assert.Matches(@"uses .+(maxmemory|no maxmemory)", memory.Message);
        Assert.Matches(@"has [1-9]\d* of max_connections [1-9]\d* connections", connections.Message);
        Assert.Contains("the disk backup target", backups.Message, StringComparison.Ordinal);
        Assert.Matches(@"Docker's data root \(images, containers, container logs\) \(/ in .+\): \d+ % used", dockerRoot.Message);
        Assert.Matches(@"KoBoCAT's media \(submission attachments\) \(/srv/src/kobocat/media in .+\): \d+ % used", kobocatMedia.Message);
        // The running server's tcp-backlog (CONFIG GET with the container's own password), not the default assumed.
        Assert.Matches(@"net\.core\.somaxconn is \d+ in .+ below Redis's running tcp-backlog 511", somaxconn.Message);
        Assert.Contains(await bed.Store.ListAsync(CancellationToken.None), s => s.Check == CheckKinds.LogRotation && s.Target == redis);
    }
}
