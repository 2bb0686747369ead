using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hangfire;
using Hangfire.Storage;
using KoboConsole.IntegrationTests.Backups;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Drills;
using KoboConsole.Web.Features.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Drills;

/// <summary>
/// POST /api/v1/drills by role and with bad input, and the schedule, on the real app. The app is
/// pointed at an empty backup folder and a prefix no stack has, so its drills fail fast ("no backup")
/// without starting containers; real drills are in <see cref="DrillTests"/>.
/// </summary>
public sealed class DrillsApiTests : IAsyncLifetime
{
    private static readonly string[] RedisAndPostgres = ["redis", "postgres"];
    private static readonly string[] RedisOnly = ["redis"];
    private readonly string _backups = Directory.CreateTempSubdirectory("kc-drill-api-").FullName;
    private ConsoleAppFactory _app = null!;

    public Task InitializeAsync()
    {
        _app = new ConsoleAppFactory(Settings());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        Directory.Delete(_backups, recursive: true);
    }

    [Fact]
    public async Task PostDrills_Operator_202AndAFailedRunNamingTheMissingBackup()
    {
        using var client = await ClientAsync("operator");

        using var post = await client.PostAsJsonAsync("/api/v1/drills", new { stores = RedisAndPostgres });

        Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        var runId = (await post.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
        var run = await WaitFinishedAsync(client, runId);
        Assert.Equal("drill", run.GetProperty("kind").GetString());
        Assert.Equal("failed", run.GetProperty("state").GetString());
        var items = run.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["postgres", "redis"], items.Select(i => i.GetProperty("store").GetString()));
        Assert.All(items, i => Assert.Contains("back up", i.GetProperty("error").GetString(), StringComparison.Ordinal));
        var audit = await _app.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery { Action = "drill." }, CancellationToken.None);
        Assert.Contains(audit, a => a.Action == "drill.start" && a.Actor.StartsWith("op", StringComparison.Ordinal));
        Assert.Contains(audit, a => a.Action == "drill.run" && a.Outcome == "failed");
    }

    [Fact]
    public async Task PostDrills_Viewer_403()
    {
        using var client = await ClientAsync("viewer");

        using var post = await client.PostAsJsonAsync("/api/v1/drills", new { stores = RedisOnly });

        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Empty(await _app.Services.GetRequiredService<RunStore>().ListAsync(DrillRunner.Kind, 5, CancellationToken.None));
    }

    [Theory]
    [InlineData("""{"stores":[]}""", HttpStatusCode.UnprocessableEntity, "is required")]
    [InlineData("""{"stores":["postgres","elastic"]}""", HttpStatusCode.UnprocessableEntity, "'elastic' is not a store")]
    [InlineData("""{}""", HttpStatusCode.UnprocessableEntity, "is required")]
    [InlineData("""{"stores":["redis"],"target":"disk"}""", HttpStatusCode.BadRequest, "target")]
    public async Task PostDrills_BadInput_ProblemNamesTheField(string body, HttpStatusCode status, string message)
    {
        using var client = await ClientAsync("operator");

        using var post = await client.PostAsync("/api/v1/drills", new StringContent(body, MediaTypeHeaderValue.Parse("application/json")));

        Assert.Equal(status, post.StatusCode);
        Assert.Equal("application/problem+json", post.Content.Headers.ContentType?.MediaType);
        Assert.Contains(message, await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void Schedule_Unset_NoRecurringJob()
    {
        using var connection = _app.Services.GetRequiredService<JobStorage>().GetConnection();

        Assert.DoesNotContain(connection.GetRecurringJobs(), j => j.Id == ScheduledDrillJob.JobId);
    }

    [Fact]
    public async Task Schedule_UnsetAfterARestart_RecurringJobRemovedAtStart()
    {
        await _app.DisposeAsync();
        // Under the backups folder, which DisposeAsync deletes once the app is gone.
        var data = Directory.CreateDirectory(Path.Combine(_backups, "console-data")).FullName;
        _app = new ConsoleAppFactory(Settings(("KoboConsole:Drills:Schedule", "0 3 * * 0"), ("KoboConsole:Storage:DataDirectory", data)));
        using (var connection = _app.Services.GetRequiredService<JobStorage>().GetConnection())
        {
            Assert.Contains(connection.GetRecurringJobs(), j => j.Id == ScheduledDrillJob.JobId);
        }

        await _app.DisposeAsync();
        _app = new ConsoleAppFactory(Settings(("KoboConsole:Storage:DataDirectory", data)));

        using (var connection = _app.Services.GetRequiredService<JobStorage>().GetConnection())
        {
            Assert.DoesNotContain(connection.GetRecurringJobs(), j => j.Id == ScheduledDrillJob.JobId);
        }
    }

    [Fact]
    public async Task Schedule_SetAndTriggered_RunAndAuditByActorSchedule()
    {
        await _app.DisposeAsync();
        _app = new ConsoleAppFactory(Settings(("KoboConsole:Drills:Schedule", "0 3 * * 0"), ("KoboConsole:Drills:ScheduleStores:0", "mongo")));
        using (var connection = _app.Services.GetRequiredService<JobStorage>().GetConnection())
        {
            var job = Assert.Single(connection.GetRecurringJobs(), j => j.Id == ScheduledDrillJob.JobId);
            Assert.Equal("0 3 * * 0", job.Cron);
        }

        _app.Services.GetRequiredService<IRecurringJobManager>().Trigger(ScheduledDrillJob.JobId);

        var runs = _app.Services.GetRequiredService<RunStore>();
        RunView? run = null;
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (DateTime.UtcNow < deadline && run is not { State: RunStates.Succeeded or RunStates.Failed })
        {
            await Task.Delay(250);
            var list = await runs.ListAsync(DrillRunner.Kind, 5, CancellationToken.None);
            run = list.Count > 0 ? list[0] : null;
        }

        Assert.NotNull(run);
        Assert.Equal(DrillService.ScheduleActor, run.Actor);
        Assert.Equal("mongo", Assert.Single(run.Items).Store);
        var audit = await _app.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery { Actor = "schedule", Action = "drill." }, CancellationToken.None);
        Assert.Contains(audit, a => a.Action == "drill.start");
        Assert.Contains(audit, a => a.Action == "drill.run");
    }

    private Dictionary<string, string?> Settings(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["KoboConsole:Stack:Prefix"] = "nostack" + Guid.NewGuid().ToString("N")[..6],
            ["KoboConsole:Backups:Directory"] = _backups,
        };
        foreach (var (k, v) in extra)
        {
            settings[k] = v;
        }

        return settings;
    }

    private async Task<HttpClient> ClientAsync(string role)
    {
        using var admin = await BackupsApiTests.ClientAsync(_app);
        var name = role == "operator" ? "op" : "vic";
        using (var created = await admin.PostAsJsonAsync("/api/v1/users", new { username = name, password = $"password-of-{name}", role }))
        {
            created.EnsureSuccessStatusCode();
        }

        var client = _app.CreateClient();
        using var token = await client.PostAsJsonAsync("/api/v1/tokens", new { username = name, password = $"password-of-{name}", name = "drill tests" });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString());
        return client;
    }

    internal static async Task<JsonElement> WaitFinishedAsync(HttpClient client, string runId)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            var run = await client.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{runId}");
            if (run.GetProperty("state").GetString() is "succeeded" or "failed" or "cancelled")
            {
                return run;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"run {runId} did not finish in 3 minutes");
    }
}
