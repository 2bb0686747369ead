using KoboConsole.IntegrationTests.Docker;
using KoboConsole.Web.Features.Logs;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Logs;

/// <summary>The files kobo writes under /srv/logs (its backup jobs' logs, kpi's logs) are log sources like nginx's.</summary>
public sealed class KoboLogFilesTests(DockerFixture fixture) : LogsTestBase(fixture)
{
    [Fact]
    public async Task SourcesOf_PostgresAndKpiWritingUnderSrvLogs_ListsTheirLogFiles()
    {
        var postgres = await RunServiceAsync("postgres", "mkdir -p /srv/logs && echo 'Backup files created successfully.' > /srv/logs/backup.log && sleep 3600");
        var kpi = await RunServiceAsync("kpi", "mkdir -p /srv/logs && echo 'uwsgi started' > /srv/logs/uwsgi_kpi.log && sleep 3600");
        await using var app = NewApp();
        var sources = app.Services.GetRequiredService<LogSources>();
        var containers = await sources.ResolveContainersAsync([postgres, kpi], Timeout);

        // The containers write their files as they start: wait for that, not for a fixed time.
        List<LogSourceKey> files = [];
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (files.Count < 2 && DateTime.UtcNow < deadline)
        {
            files = (await sources.SourcesOfAsync(containers, true, Timeout)).Where(k => k.File is not null).ToList();
            if (files.Count < 2)
            {
                await Task.Delay(200, Timeout);
            }
        }

        Assert.Equal(
            [(postgres, "/srv/logs/backup.log"), (kpi, "/srv/logs/uwsgi_kpi.log")],
            files.Select(f => (f.ContainerId, f.File)).OrderBy(f => f.ContainerId == kpi));
    }
}
