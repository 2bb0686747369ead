using System.Text.Json;
using Bunit;
using KoboConsole.Tests.Features.Runs;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Drills;
using KoboConsole.Web.Features.Runs;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace KoboConsole.Tests.Features.Drills;

/// <summary>The drill card follows drills started anywhere, says how they ended, and drills one chosen store.</summary>
public sealed class DrillStatusCardTests : MudComponentTest
{
    private readonly RunDatabase _db = new();
    private readonly RecordingJobs _jobs = new();
    private RunWatch _watch = null!;

    public override async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        _watch = new RunWatch(_db.Db, NullLogger<RunWatch>.Instance) { Interval = TimeSpan.FromMilliseconds(20) };
        Ctx.Services.AddSingleton(_db.Runs);
        Ctx.Services.AddSingleton(_watch);
        Ctx.Services.AddSingleton(new DrillService(_db.Runs, _jobs, _db.Audit));
        Ctx.Services.AddOptions<DrillsOptions>();
        Ctx.AddAuthorization().SetAuthorized("ops.jane").SetRoles("operator").SetPolicies("operator", "viewer");
        Ctx.Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _watch.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Render_DrillStartedElsewhere_AppearsThenSaysHowItEnded()
    {
        var card = Ctx.Render<DrillStatusCard>();
        Assert.Empty(card.FindAll("[data-testid=drill-run]"));

        // Started by the API or the schedule, on this or another instance: only the runs table knows.
        var runId = await _db.Runs.CreateAsync(DrillRunner.Kind, DrillService.ScheduleActor, null, CancellationToken.None);
        await _db.Runs.StartAsync(runId, CancellationToken.None);
        card.WaitForAssertion(() => Assert.Contains($"Drill run {runId} is running", card.Find("[data-testid=drill-run]").TextContent, StringComparison.Ordinal));

        var seq = await _db.Runs.AddItemAsync(runId, "postgres", "postgres", CancellationToken.None);
        await _db.Runs.UpdateItemAsync(runId, seq, RunStates.Failed, 0, null, null, "pg_restore exited with code 1", CancellationToken.None);
        await _db.Runs.FinishAsync(runId, RunStates.Failed, "1 of 1 store(s) could not be proven restorable; see each item's reason.", CancellationToken.None);

        card.WaitForAssertion(() => Assert.Contains("Failed after", card.Find("[data-testid=drill-run]").TextContent, StringComparison.Ordinal));
        Assert.Contains("could not be proven restorable", card.Find("[data-testid=drill-run]").TextContent, StringComparison.Ordinal);
        Assert.Equal("failed", card.Find("[data-testid=drill-postgres]").GetAttribute("data-health"));
    }

    [Fact]
    public async Task DrillOneStore_Chosen_StartsADrillOfThatStoreOnly()
    {
        var popovers = Ctx.Render<MudBlazor.MudPopoverProvider>();
        var card = Ctx.Render<DrillStatusCard>();

        card.Find("[data-testid=drill-one] button").Click();
        popovers.WaitForAssertion(() => Assert.NotEmpty(popovers.FindAll(".mud-menu-item")));
        popovers.FindAll(".mud-menu-item").Single(i => i.TextContent.Contains("Redis", StringComparison.Ordinal)).Click();

        card.WaitForAssertion(() => Assert.Single(_jobs.Created));
        var run = Assert.Single(await _db.Runs.ListAsync(DrillRunner.Kind, 10, CancellationToken.None));
        var request = JsonSerializer.Deserialize<JsonElement>(run.Request!);
        Assert.Equal(["redis"], request.GetProperty("stores").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task DrillAllStores_Clicked_StartsADrillOfEveryStore()
    {
        var card = Ctx.Render<DrillStatusCard>();

        card.FindAll("button").Single(b => b.TextContent.Trim() == "Drill all stores now").Click();

        card.WaitForAssertion(() => Assert.Single(_jobs.Created));
        var run = Assert.Single(await _db.Runs.ListAsync(DrillRunner.Kind, 10, CancellationToken.None));
        var request = JsonSerializer.Deserialize<JsonElement>(run.Request!);
        Assert.Equal(BackupStores.All, request.GetProperty("stores").EnumerateArray().Select(e => e.GetString()));
    }
}
