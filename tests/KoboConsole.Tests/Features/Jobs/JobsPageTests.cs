using Bunit;
using KoboConsole.Tests.Features.Runs;
using KoboConsole.Web.Features.Checks.Alerts;
using KoboConsole.Web.Features.Jobs;
using KoboConsole.Web.Features.Runs;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.Tests.Features.Jobs;

/// <summary>The jobs page over a real SQLite console database: runs, audit and alert deliveries.</summary>
public sealed class JobsPageTests : MudComponentTest
{
    private readonly RunDatabase _db = new(new AlertsMigrations());
    private AlertDeliveries _deliveries = null!;

    public override async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        _deliveries = new AlertDeliveries(_db.Db);
        Ctx.Services.AddSingleton<TimeProvider>(_db.Time);
        Ctx.Services.AddSingleton(new JobHistory(_db.Runs, _db.Audit, _deliveries, _db.Time));
        Ctx.AddAuthorization().SetAuthorized("vera").SetRoles("viewer");
        Ctx.Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Render_EverySource_ListsNewestFirstWithStateDurationWhoAndRunLink()
    {
        var backup = await _db.Runs.CreateAsync("backup", "jane", null, CancellationToken.None);
        await _db.Runs.StartAsync(backup, CancellationToken.None);
        _db.Time.Advance(TimeSpan.FromSeconds(95));
        await _db.Runs.FinishAsync(backup, RunStates.Failed, "postgres: pg_dump exited with code 1", CancellationToken.None);
        _db.Time.Advance(TimeSpan.FromMinutes(5));
        await _db.Audit.WriteAsync("admin", "maintenance.enable", "frontend", "succeeded", "message: back soon", TimeSpan.FromSeconds(4), CancellationToken.None);
        _db.Time.Advance(TimeSpan.FromMinutes(5));
        await _deliveries.AddAsync(new AlertDelivery(0, _db.Time.GetUtcNow(), "ops-hook", "webhook", "check.failing", "redis", "redis_main", DeliveryOutcomes.Sent, null), null, CancellationToken.None);
        await _db.Audit.WriteAsync("admin", "user.create", "vera", "succeeded", null, null, CancellationToken.None); // not a job

        var page = Ctx.Render<JobsPage>();
        page.WaitForState(() => page.FindAll("[data-testid=job-row]").Count > 0);

        var rows = page.FindAll("[data-testid=job-row]");
        Assert.Equal(["alert", "maintenance", "backup"], rows.Select(r => r.GetAttribute("data-kind")));
        Assert.Equal(["succeeded", "succeeded", "failed"], rows.Select(r => r.GetAttribute("data-state")));
        Assert.Contains("1 min 35 s · by jane", rows[2].TextContent, StringComparison.Ordinal);
        Assert.Contains("pg_dump exited with code 1", rows[2].TextContent, StringComparison.Ordinal);
        Assert.Equal(RunPage.Href(backup), rows[2].QuerySelector("[data-testid=job-link]")!.GetAttribute("href"));
        Assert.Contains("Maintenance page on", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("4 s · by admin", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("redis on redis_main to ops-hook (webhook)", rows[0].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filters_KindStateWhoAndTime_NarrowTheList()
    {
        var old = await _db.Runs.CreateAsync("backup", "jane", null, CancellationToken.None);
        await _db.Runs.StartAsync(old, CancellationToken.None);
        await _db.Runs.FinishAsync(old, RunStates.Succeeded, null, CancellationToken.None);
        _db.Time.Advance(TimeSpan.FromDays(3));
        var drill = await _db.Runs.CreateAsync("drill", "scheduler", null, CancellationToken.None);
        await _db.Runs.StartAsync(drill, CancellationToken.None);
        await _db.Runs.FinishAsync(drill, RunStates.Failed, "restored counts differ", CancellationToken.None);
        await _db.Audit.WriteAsync("jane", "container.restart", "main/kobofe-kpi-1", "succeeded", null, TimeSpan.FromSeconds(2), CancellationToken.None);
        var history = Ctx.Services.GetRequiredService<JobHistory>();

        var failed = await history.ListAsync(new JobQuery { State = JobStates.Failed }, CancellationToken.None);
        var jane = await history.ListAsync(new JobQuery { Actor = "JA" }, CancellationToken.None);
        var containers = await history.ListAsync(new JobQuery { Kind = "container" }, CancellationToken.None);
        var lastDay = await history.ListAsync(new JobQuery { From = _db.Time.GetUtcNow().AddHours(-24) }, CancellationToken.None);

        Assert.Equal(["drill"], failed.Select(e => e.Kind));
        Assert.Equal(["container", "backup"], jane.Select(e => e.Kind));
        Assert.Equal(["Container restart"], containers.Select(e => e.Title));
        Assert.Equal(2, lastDay.Count);
    }

    [Fact]
    public async Task Render_RunStillGoing_IsRunningWithItsDurationSoFar()
    {
        var run = await _db.Runs.CreateAsync("restore", "jane", null, CancellationToken.None);
        await _db.Runs.StartAsync(run, CancellationToken.None);
        _db.Time.Advance(TimeSpan.FromMinutes(2));

        var page = Ctx.Render<JobsPage>();
        page.WaitForState(() => page.FindAll("[data-testid=job-row]").Count > 0);

        var row = page.Find("[data-testid=job-row]");
        Assert.Equal("running", row.GetAttribute("data-state"));
        Assert.Contains("2 min 0 s", row.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NothingStored_SaysNothingMatches()
    {
        var page = Ctx.Render<JobsPage>();

        page.WaitForAssertion(() => Assert.Equal("Nothing matches these filters.", page.Find("[data-testid=jobs-empty]").TextContent));
    }
}
