using Bunit;
using KoboConsole.Web.Features.Restores;
using KoboConsole.Web.Features.Restores.Wizard;
using KoboConsole.Web.Features.Runs;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace KoboConsole.Tests.Features.Runs;

/// <summary>The run view shared by backups, restores and drills, on a real SQLite run store.</summary>
public sealed class RunPageTests : MudComponentTest
{
    private readonly RunDatabase _db = new();
    private RunWatch _watch = null!;

    public override async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        _watch = new RunWatch(_db.Db, NullLogger<RunWatch>.Instance) { Interval = TimeSpan.FromMilliseconds(20) };
        Ctx.Services.AddSingleton(_db.Runs);
        Ctx.Services.AddSingleton(_watch);
        Ctx.Services.AddSingleton<IRunSteps, RestoreRunSteps>();
        Ctx.AddAuthorization().SetAuthorized("vera").SetRoles("viewer");
        Ctx.Renderer.SetRendererInfo(new RendererInfo("Static", isInteractive: false)); // a prerender: reads once, follows nothing
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _watch.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Render_FinishedBackup_ShowsItemsOutcomeAndLogWithoutSteps()
    {
        var runId = await _db.Runs.CreateAsync("backup", "jane", null, CancellationToken.None);
        await _db.Runs.StartAsync(runId, CancellationToken.None);
        var seq = await _db.Runs.AddItemAsync(runId, "redis", "redis-7.0.15-kobo.test-2026.12.07.10_00.gz", CancellationToken.None);
        await _db.Runs.UpdateItemAsync(runId, seq, RunStates.Failed, 10, null, null, "redis-cli exited with code 1", CancellationToken.None);
        await _db.Runs.LogAsync(runId, "redis: dumping", CancellationToken.None);
        await _db.Runs.FinishAsync(runId, RunStates.Failed, "1 of 1 item(s) failed; see each item's reason.", CancellationToken.None);

        var page = Ctx.Render<RunPage>(p => p.Add(c => c.RunId, runId));

        page.WaitForAssertion(() => Assert.Contains("Backup run " + runId, page.Find("#page-title").TextContent, StringComparison.Ordinal));
        Assert.Contains("Failed after", page.Find("[data-testid=run-outcome]").TextContent, StringComparison.Ordinal);
        Assert.Contains("redis-cli exited with code 1", page.Find("[data-testid=run-items]").TextContent, StringComparison.Ordinal);
        Assert.EndsWith("redis: dumping", Assert.Single(page.FindAll("[data-testid=run-log-line]")).TextContent.Trim(), StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=run-steps]"));
    }

    [Fact]
    public async Task Render_Restore_ShowsItsRunbookSteps()
    {
        var runId = await _db.Runs.CreateAsync(RestoreRunner.Kind, "ada", null, CancellationToken.None);
        await _db.Runs.StartAsync(runId, CancellationToken.None);
        await _db.Runs.LogAsync(runId, "▶ " + RestoreSteps.Preflight, CancellationToken.None);
        await _db.Runs.LogAsync(runId, "▶ " + RestoreSteps.MaintenanceOn, CancellationToken.None);
        await _db.Runs.LogAsync(runId, $"✖ {RestoreSteps.MaintenanceOn} failed: nginx did not answer", CancellationToken.None);
        await _db.Runs.FinishAsync(runId, RunStates.Failed, "maintenance could not be turned on", CancellationToken.None);

        var page = Ctx.Render<RunPage>(p => p.Add(c => c.RunId, runId));

        page.WaitForAssertion(() => Assert.Equal(RestoreSteps.All.Count, page.FindAll("[data-testid=run-step]").Count));
        var steps = page.FindAll("[data-testid=run-step]");
        Assert.Equal(RunStates.Succeeded, steps[0].QuerySelector("[data-testid=run-state]")!.TextContent.Trim());
        Assert.Equal(RunStates.Failed, steps[1].QuerySelector("[data-testid=run-state]")!.TextContent.Trim());
        Assert.Contains(RestoreSteps.MaintenanceOn, steps[1].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_RunUnderWay_FollowsItUntilItEnds()
    {
        Ctx.Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true)); // only an interactive page follows
        var runId = await _db.Runs.CreateAsync("drill", "schedule", null, CancellationToken.None);
        await _db.Runs.StartAsync(runId, CancellationToken.None);
        var page = Ctx.Render<RunPage>(p => p.Add(c => c.RunId, runId));
        page.WaitForAssertion(() => Assert.Contains("This page follows it", page.Find("[data-testid=run-facts]").TextContent, StringComparison.Ordinal));

        await _db.Runs.LogAsync(runId, "postgres: proven restorable", CancellationToken.None);
        await _db.Runs.FinishAsync(runId, RunStates.Succeeded, null, CancellationToken.None);

        page.WaitForAssertion(() => Assert.Contains("Succeeded in", page.Find("[data-testid=run-outcome]").TextContent, StringComparison.Ordinal));
        Assert.Contains("postgres: proven restorable", page.Find("[data-testid=run-log]").TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0123456789abcdef")]
    [InlineData("..%2F..%2Fetc")]
    public void Render_UnknownOrInvalidId_SaysThereIsNoSuchRun(string runId)
    {
        var page = Ctx.Render<RunPage>(p => p.Add(c => c.RunId, runId));

        page.WaitForAssertion(() => Assert.Contains("There is no run", page.Find("[data-testid=run-missing]").TextContent, StringComparison.Ordinal));
    }
}
