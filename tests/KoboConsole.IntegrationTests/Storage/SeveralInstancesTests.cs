using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Backups.Schedules;
using KoboConsole.Web.Features.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Storage;

/// <summary>
/// Two console instances on one PostgreSQL storage, managing one kobo stack, as behind a load
/// balancer (issue 8): a schedule fires once, the maintenance lock holds across them, and a run
/// started on one is followed on the other.
/// </summary>
public sealed class SeveralInstancesTests(TestBedFixture fixture, ConsolePostgresFixture pg) : IClassFixture<ConsolePostgresFixture>, IClassFixture<TestBedFixture>
{
    private static readonly string[] PostgresOnly = ["postgres"];

    [Fact]
    public async Task ScheduledBackup_TwoInstances_RunsOncePerOccurrence()
    {
        await using var pair = await PairAsync("si");
        var schedules = pair.First.Services.GetRequiredService<BackupSchedules>();
        var schedule = await schedules.AddAsync([BackupStores.Redis], BackupTargets.Disk, "* * * * *", "UTC", "test: every minute", CancellationToken.None);
        try
        {
            var actor = $"schedule {schedule.Id}";
            var runs = pair.Second.Services.GetRequiredService<RunStore>();
            RunView? first = null;
            var deadline = DateTime.UtcNow.AddMinutes(3); // the next minute, plus Hangfire's recurring-job poll
            while (first is not { State: RunStates.Succeeded or RunStates.Failed } && DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
                first = (await runs.ListAsync(BackupRunner.Kind, 20, CancellationToken.None)).Where(r => r.Actor == actor).MinBy(r => r.CreatedAt);
            }

            Assert.True(first is not null, "the every-minute schedule never made a run on either instance");
            Assert.Equal(RunStates.Succeeded, first.State);

            // Both servers evaluate the schedule; Hangfire's distributed lock on the PostgreSQL
            // storage must let only one of them enqueue this occurrence. Give the other one time.
            await Task.Delay(TimeSpan.FromSeconds(20));
            var minute = first.CreatedAt.ToUnixTimeSeconds() / 60;
            var sameOccurrence = (await runs.ListAsync(BackupRunner.Kind, 50, CancellationToken.None))
                .Where(r => r.Actor == actor && r.CreatedAt.ToUnixTimeSeconds() / 60 == minute).ToList();
            Assert.Single(sameOccurrence);
        }
        finally
        {
            await schedules.DeleteAsync(schedule.Id, CancellationToken.None);
        }
    }

    [Fact]
    public async Task MaintenanceToggle_BothInstancesAtOnce_OneTogglesTheOtherGets409()
    {
        await using var pair = await PairAsync("sm");
        var enable = new { eta = "30 minutes" };

        var responses = await Task.WhenAll(
            pair.FirstApi.PostAsJsonAsync("/api/v1/maintenance/enable", enable),
            pair.SecondApi.PostAsJsonAsync("/api/v1/maintenance/enable", enable));
        try
        {
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order());
            var refused = responses.Single(r => r.StatusCode == HttpStatusCode.Conflict);
            Assert.Contains("toggle", await refused.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
            var state = await pair.SecondApi.GetFromJsonAsync<JsonElement>("/api/v1/maintenance");
            Assert.Equal("on", state.GetProperty("state").GetString());
        }
        finally
        {
            foreach (var r in responses)
            {
                r.Dispose();
            }

            using var off = await pair.FirstApi.PostAsync("/api/v1/maintenance/disable", null);
            Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        }
    }

    [Fact]
    public async Task BackupRun_StartedOnOneInstance_IsFollowedOnTheOther()
    {
        await using var pair = await PairAsync("sr");

        using var started = await pair.FirstApi.PostAsJsonAsync("/api/v1/backups", new { stores = PostgresOnly, target = "disk" });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var runId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString();

        var seen = new List<string>();
        JsonElement run = default;
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            run = await pair.SecondApi.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{runId}");
            var state = run.GetProperty("state").GetString()!;
            if (seen.Count == 0 || seen[^1] != state)
            {
                seen.Add(state);
            }

            if (state is RunStates.Succeeded or RunStates.Failed or RunStates.Cancelled)
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.Equal(RunStates.Succeeded, seen[^1]);
        var items = run.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count(i => i.GetProperty("store").GetString() == "postgres")); // koboform and kobocat
        Assert.All(items, i => Assert.Equal(64, i.GetProperty("sha256").GetString()!.Length));
        Assert.True(run.GetProperty("progress").GetProperty("bytes").GetInt64() > 0, "the other instance saw no progress bytes");
        Assert.NotEmpty(run.GetProperty("log").EnumerateArray());
    }

    private async Task<InstancePair> PairAsync(string letter)
    {
        var info = await fixture.RentAsync("prefixed", letter, [], CancellationToken.None);
        var backups = Directory.CreateTempSubdirectory("kc-instances-").FullName;
        Dictionary<string, string?> Settings() => new()
        {
            ["KoboConsole:Storage:Provider"] = "PostgreSql",
            ["KoboConsole:Storage:ConnectionString"] = pg.ConnectionString,
            ["KoboConsole:Storage:DataDirectory"] = Directory.CreateTempSubdirectory("kc-instance-").FullName,
            ["KoboConsole:Stack:Prefix"] = info.Prefix,
            ["KoboConsole:Backups:Directory"] = backups,
        };
        var first = new ConsoleAppFactory(Settings());
        var second = new ConsoleAppFactory(Settings());
        return new InstancePair(fixture, info, backups, first, second, await ApiAsync(first), await ApiAsync(second));
    }

    private static async Task<HttpClient> ApiAsync(ConsoleAppFactory app)
    {
        var client = app.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/tokens", new { username = ConsoleAppFactory.AdminUser, password = ConsoleAppFactory.AdminPassword, name = "instance " + Guid.NewGuid().ToString("N")[..6] });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private sealed record InstancePair(TestBedFixture Fixture, StackInfo Stack, string Backups, ConsoleAppFactory First, ConsoleAppFactory Second, HttpClient FirstApi, HttpClient SecondApi) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            FirstApi.Dispose();
            SecondApi.Dispose();
            await First.DisposeAsync();
            await Second.DisposeAsync();
            await Fixture.ReturnAsync(Stack, []);
            Directory.Delete(Backups, recursive: true);
        }
    }
}
