using System.Net;
using System.Text.Json;
using KoboConsole.IntegrationTests.Security;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Backups.Schedules;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Backups;

/// <summary>kobo's own backup cron on a real test-bed stack: read from the containers, switched off and on in them, audited.</summary>
public sealed class KoboCronTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    private const string PostgresCrontab = "/etc/cron.d/backup_postgres_crontab";

    [Fact]
    public async Task List_KoboStack_ShowsEachStoresScheduleActiveAndWhatItDeletes()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "kc");
        using var viewer = await RoleClients.ForRoleAsync(h.App, "viewer");

        using var response = await viewer.GetAsync("/api/v1/backups/kobo-cron");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = JsonDocument.Parse(body).RootElement.EnumerateArray()
            .Select(e => (Store: e.GetProperty("store").GetString(), Cron: e.GetProperty("cron").GetString(), State: e.GetProperty("state").GetString(), Summary: e.GetProperty("summary").GetString()!))
            .ToList();
        Assert.Equal([("postgres", "0 1 * * 0", "on"), ("mongo", "0 2 * * 0", "on"), ("redis", "0 3 * * 0", "on")], rows.Select(r => (r.Store, r.Cron, r.State)));
        Assert.StartsWith("kobo's cron every Sunday at 01:00 UTC deletes every *.pg_dump in backups/postgres before dumping.", rows[0].Summary, StringComparison.Ordinal);
        // The test bed runs no cron daemon (kobo's containers do): the page says so rather than pretend.
        Assert.Contains("No cron daemon runs in the container", rows[0].Summary, StringComparison.Ordinal);
        Assert.Contains("deletes every *.gz and *.rdb in backups/redis", rows[2].Summary, StringComparison.Ordinal);
        // kobo's crontab holds the mongo root password; only the job line may leave the container.
        Assert.DoesNotContain(h.Stack.Values["mongo_password"], body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SwitchOffThenOn_CoveredByAConsoleSchedule_CommentsAndRestoresKobosLineAndAuditsBoth()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "kc");
        using var operatorClient = await RoleClients.ForRoleAsync(h.App, "operator");
        var original = await CrontabAsync(h);
        Assert.Contains("0 1 * * 0  root    /usr/bin/nice -n 19 /usr/bin/ionice -c2 -n7 /bin/bash /kobo-docker-scripts/scripts/backup-to-disk.bash > /srv/logs/backup.log 2>&1\n", original, StringComparison.Ordinal);

        using var uncovered = await operatorClient.PostAsync("/api/v1/backups/kobo-cron/postgres/disable", null);
        Assert.Equal(HttpStatusCode.Conflict, uncovered.StatusCode);
        Assert.Contains("No enabled console schedule backs up postgres", await uncovered.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(original, await CrontabAsync(h));

        await h.App.Services.GetRequiredService<BackupSchedules>().AddAsync([BackupStores.Postgres], BackupTargets.Disk, "0 2 * * *", "UTC", "test", CancellationToken.None);
        using var off = await operatorClient.PostAsync("/api/v1/backups/kobo-cron/postgres/disable", null);
        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        var switchedOff = await CrontabAsync(h);
        Assert.Equal(original.Replace("0 1 * * 0  root", "#koboconsole-off# 0 1 * * 0  root", StringComparison.Ordinal), switchedOff);
        var listed = JsonDocument.Parse(await operatorClient.GetStringAsync("/api/v1/backups/kobo-cron")).RootElement;
        var postgres = Assert.Single(listed.EnumerateArray(), e => e.GetProperty("store").GetString() == "postgres");
        Assert.Equal("off-by-console", postgres.GetProperty("state").GetString());
        Assert.Contains("until the container is recreated", postgres.GetProperty("summary").GetString(), StringComparison.Ordinal);

        using var on = await operatorClient.PostAsync("/api/v1/backups/kobo-cron/postgres/enable", null);
        Assert.Equal(HttpStatusCode.OK, on.StatusCode);
        Assert.Equal(original, await CrontabAsync(h));

        var audit = (await h.App.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery { Action = "backup.kobo-cron." }, CancellationToken.None)).Reverse().ToList();
        Assert.Equal(
            [("backup.kobo-cron.disable", "rejected"), ("backup.kobo-cron.disable", "switched off"), ("backup.kobo-cron.enable", "switched on")],
            audit.Select(a => (a.Action, a.Outcome)));
        Assert.All(audit, a => Assert.Equal("kobo cron postgres", a.Target));
        Assert.All(audit, a => Assert.StartsWith("operator-", a.Actor, StringComparison.Ordinal));
        Assert.Contains(h.Postgres, audit[1].Details, StringComparison.Ordinal);
    }

    private static async Task<string> CrontabAsync(BackupHarness h)
    {
        var r = await BackupHarness.DockerAsync("exec", h.Postgres, "cat", PostgresCrontab);
        Assert.True(r.ExitCode == 0, r.StdErr);
        return r.StdOut;
    }
}
