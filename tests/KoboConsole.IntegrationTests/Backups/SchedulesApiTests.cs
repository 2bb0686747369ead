using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hangfire;
using Hangfire.Storage;
using KoboConsole.IntegrationTests.Security;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Backups.Schedules;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Backups;

/// <summary>/api/v1/backups/schedules on the real app: each change reaches the table, Hangfire's recurring job and the audit.</summary>
public sealed class SchedulesApiTests : IAsyncLifetime
{
    private static readonly string[] RedisAndPostgres = ["redis", "postgres"];
    private static readonly string[] Mongo = ["mongo"];
    private static readonly string[] Redis = ["redis"];
    private readonly ConsoleAppFactory _app = new(RoleClients.NoDocker());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Schedule_CreateListEditDelete_RecurringJobFollowsAndEveryChangeIsAudited()
    {
        using var client = await RoleClients.ForRoleAsync(_app, "operator");

        using var created = await client.PostAsJsonAsync("/api/v1/backups/schedules", new { stores = RedisAndPostgres, target = "disk", cron = "0 2 * * 0" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var schedule = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = schedule.GetProperty("id").GetString()!;
        Assert.Equal($"/api/v1/backups/schedules/{id}", created.Headers.Location?.ToString());
        Assert.Equal(["postgres", "redis"], schedule.GetProperty("stores").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("UTC", schedule.GetProperty("timeZone").GetString());
        Assert.Equal("0 2 * * 0", RecurringJob(id)?.Cron);

        var listed = await client.GetFromJsonAsync<JsonElement>("/api/v1/backups/schedules");
        var row = Assert.Single(listed.EnumerateArray(), s => s.GetProperty("id").GetString() == id);
        Assert.Equal("every Sunday at 02:00 UTC", row.GetProperty("description").GetString());

        using var edited = await client.PutAsJsonAsync($"/api/v1/backups/schedules/{id}", new { stores = Mongo, target = "disk", cron = "30 5 * * *", timeZone = "Europe/Paris" });
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        var job = RecurringJob(id);
        Assert.NotNull(job);
        Assert.Equal("30 5 * * *", job.Cron);
        Assert.Equal("Europe/Paris", job.TimeZoneId);
        Assert.Equal(["mongo"], (await _app.Services.GetRequiredService<BackupSchedules>().GetAsync(id, CancellationToken.None))!.Stores);

        using var deleted = await client.DeleteAsync($"/api/v1/backups/schedules/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Null(RecurringJob(id));
        using var again = await client.DeleteAsync($"/api/v1/backups/schedules/{id}");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);

        var audit = await _app.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery { Action = "backup.schedule." }, CancellationToken.None);
        // The second delete found nothing: audited too, as rejected.
        Assert.Equal(["backup.schedule.create", "backup.schedule.update", "backup.schedule.delete", "backup.schedule.delete"], audit.Reverse().Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal($"schedule {id}", a.Target));
        Assert.All(audit, a => Assert.StartsWith("operator-", a.Actor, StringComparison.Ordinal));
        Assert.Equal(["saved", "saved", "deleted", "rejected"], audit.Reverse().Select(a => a.Outcome));
    }

    [Fact]
    public async Task Edit_InvalidCron_LeavesScheduleAndJobAsTheyWere()
    {
        using var client = await RoleClients.ForRoleAsync(_app, "operator");
        using var created = await client.PostAsJsonAsync("/api/v1/backups/schedules", new { stores = Redis, target = "disk", cron = "0 3 * * *" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        using var edited = await client.PutAsJsonAsync($"/api/v1/backups/schedules/{id}", new { stores = Redis, target = "disk", cron = "61 * * * *" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, edited.StatusCode);
        var problem = await edited.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("five-field cron", problem.GetProperty("errors").GetProperty("cron")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal("0 3 * * *", RecurringJob(id)?.Cron);
    }

    [Fact]
    public async Task Schedule_RejectedCreateUpdateAndDelete_EachIsAuditedAsRejectedWithTheReason()
    {
        using var client = await RoleClients.ForRoleAsync(_app, "operator");
        using var created = await client.PostAsJsonAsync("/api/v1/backups/schedules", new { stores = Redis, target = "disk", cron = "0 4 * * *" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        using var badCreate = await client.PostAsJsonAsync("/api/v1/backups/schedules", new { stores = Redis, target = "disk", cron = "0 4 * * *", timeZone = "Mars/Olympus" });
        using var badUpdate = await client.PutAsJsonAsync($"/api/v1/backups/schedules/{id}", new { stores = Redis, target = "tape", cron = "61 * * * *" });
        using var missingUpdate = await client.PutAsJsonAsync("/api/v1/backups/schedules/nosuch", new { stores = Redis, target = "disk", cron = "0 4 * * *" });
        using var badIdDelete = await client.DeleteAsync("/api/v1/backups/schedules/not-an-id");
        using var missingDelete = await client.DeleteAsync("/api/v1/backups/schedules/nosuch");

        Assert.Equal([HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity, HttpStatusCode.NotFound, HttpStatusCode.UnprocessableEntity, HttpStatusCode.NotFound],
            new[] { badCreate, badUpdate, missingUpdate, badIdDelete, missingDelete }.Select(r => r.StatusCode));
        var rejected = (await _app.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery { Action = "backup.schedule." }, CancellationToken.None))
            .Where(a => a.Outcome == "rejected").Reverse().ToList();
        Assert.Equal(
            [("backup.schedule.create", "schedule"), ("backup.schedule.update", $"schedule {id}"), ("backup.schedule.update", "schedule nosuch"),
                ("backup.schedule.delete", "schedule not-an-id"), ("backup.schedule.delete", "schedule nosuch")],
            rejected.Select(a => (a.Action, a.Target)));
        Assert.All(rejected, a => Assert.StartsWith("operator-", a.Actor, StringComparison.Ordinal));
        Assert.StartsWith("timeZone: ", rejected[0].Details, StringComparison.Ordinal);
        Assert.Contains("target: ", rejected[1].Details, StringComparison.Ordinal);
        Assert.Contains("cron: ", rejected[1].Details, StringComparison.Ordinal);
        Assert.Equal("no such schedule", rejected[2].Details);
        Assert.StartsWith("id: is not a schedule id", rejected[3].Details, StringComparison.Ordinal);
        Assert.Equal("no such schedule", rejected[4].Details);
        Assert.Equal("0 4 * * *", RecurringJob(id)?.Cron);
    }

    private RecurringJobDto? RecurringJob(string scheduleId)
    {
        using var connection = _app.Services.GetRequiredService<JobStorage>().GetConnection();
        return connection.GetRecurringJobs().FirstOrDefault(j => j.Id == BackupSchedules.JobId(scheduleId));
    }
}
