using Hangfire;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Backups.Schedules;
using KoboConsole.Web.Features.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Backups;

/// <summary>Schedules on the real app: kobo's schedules found for import, and a schedule's Hangfire job making a run.</summary>
public sealed class ScheduleTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    [Fact]
    public async Task Schedule_ImportedFromKoboAndTriggered_MakesASucceededRun()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "h");
        var found = await h.App.Services.GetRequiredService<KoboScheduleImport>().FindAsync(CancellationToken.None);
        Assert.Equal(
            [(BackupStores.Postgres, "0 1 * * 0"), (BackupStores.Mongo, "0 2 * * 0"), (BackupStores.Redis, "0 3 * * 0")],
            found.Select(f => (f.Store, f.Cron)));
        var redis = Assert.Single(found, f => f.Store == BackupStores.Redis);
        var schedules = h.App.Services.GetRequiredService<BackupSchedules>();
        var schedule = await schedules.AddAsync([redis.Store], BackupTargets.Disk, redis.Cron, "UTC", $"imported from {redis.Variable}", CancellationToken.None);

        h.App.Services.GetRequiredService<IRecurringJobManager>().Trigger(BackupSchedules.JobId(schedule.Id));

        var runs = h.App.Services.GetRequiredService<RunStore>();
        RunView? run = null;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline && run is not { State: RunStates.Succeeded or RunStates.Failed })
        {
            await Task.Delay(250);
            run = (await runs.ListAsync(BackupRunner.Kind, 5, CancellationToken.None)).FirstOrDefault(r => r.Actor == $"schedule {schedule.Id}");
        }

        Assert.NotNull(run);
        Assert.Equal(RunStates.Succeeded, run.State);
        Assert.Equal(BackupStores.Redis, Assert.Single(run.Items).Store);
        Assert.True(await schedules.DeleteAsync(schedule.Id, CancellationToken.None));
    }
}
