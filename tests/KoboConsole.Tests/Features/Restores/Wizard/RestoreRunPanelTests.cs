using Bunit;
using KoboConsole.Web.Features.Restores;
using KoboConsole.Web.Features.Restores.Wizard;
using KoboConsole.Web.Features.Runs;

namespace KoboConsole.Tests.Features.Restores.Wizard;

public sealed class RestoreRunPanelTests : MudComponentTest
{
    private static readonly string[] FailedLog =
    [
        "▶ pre-flight", "✔ backups found: 1 backup(s) found.", "▶ maintenance on", "Maintenance page is on and answering.",
        "▶ stop writers", "Stopped kobo-kpi on local.", "▶ safety backup", "Safety copy x: backup id disk:x.", "▶ restore", "restored.",
        "▶ verify", "✖ x: row counts differ", "✖ verify failed: row counts differ.",
    ];

    private static RestoreResultResponse Failed(string? phrase = WizardData.Domain) => new("r42", RunStates.Failed, RestoreSteps.Verify, "failed at step 'verify'",
        true, ["kobo-kpi"], "s7", ["disk:safety-1"], phrase is null ? null : new StartRestoreRequest(["disk:safety-1"], phrase, true));

    [Fact]
    public void Steps_RunningRun_EachStepWithItsStateAndLogLines()
    {
        var cut = Ctx.Render<RestoreRunPanel>(p => p.Add(c => c.Run, WizardData.Run(RunStates.Running, "▶ pre-flight", "✔ backups found: ok", "▶ maintenance on")));

        var steps = cut.FindAll("[data-testid=restore-step]");
        Assert.Equal(RestoreSteps.All, steps.Select(s => s.GetAttribute("data-step")));
        Assert.Equal(["succeeded", "running", "pending"], steps.Take(3).Select(s => s.GetAttribute("data-state")));
        Assert.Contains("✔ backups found: ok", steps[0].QuerySelector("[data-testid=step-log]")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=restore-outcome]"));
    }

    [Fact]
    public void Stop_RunningRun_ButtonCallsTheCancel()
    {
        var cancelled = 0;
        var cut = Ctx.Render<RestoreRunPanel>(p => p
            .Add(c => c.Run, WizardData.Run(RunStates.Running, "▶ pre-flight", "▶ restore"))
            .Add(c => c.OnCancel, () => cancelled++));

        cut.Find("[data-testid=restore-cancel]").Click();

        Assert.Equal(1, cancelled);
    }

    [Fact]
    public void Stop_CancelAlreadyRequested_ButtonDisabledAndSaysStopping()
    {
        var run = WizardData.Run(RunStates.Running, "▶ restore") with { CancelRequested = true };
        var cut = Ctx.Render<RestoreRunPanel>(p => p.Add(c => c.Run, run));

        var button = cut.Find("[data-testid=restore-cancel]");
        Assert.True(button.HasAttribute("disabled"));
        Assert.Contains("Stopping", button.TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RunStates.Succeeded)]
    [InlineData(RunStates.Failed)]
    [InlineData(RunStates.Cancelled)]
    public void Stop_FinishedRun_NoButton(string state)
    {
        var cut = Ctx.Render<RestoreRunPanel>(p => p.Add(c => c.Run, WizardData.Run(state, "▶ pre-flight")));

        Assert.Empty(cut.FindAll("[data-testid=restore-cancel]"));
    }

    [Fact]
    public void Outcome_Succeeded_SaysMaintenanceIsOff()
    {
        var log = RestoreSteps.All.Select(s => "▶ " + s).ToArray();
        var cut = Ctx.Render<RestoreRunPanel>(p => p.Add(c => c.Run, WizardData.Run(RunStates.Succeeded, log)));

        Assert.All(cut.FindAll("[data-testid=restore-step]"), s => Assert.Equal("succeeded", s.GetAttribute("data-state")));
        Assert.Contains("maintenance is off", cut.Find("[data-testid=restore-outcome]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=rollback]"));
    }

    [Fact]
    public void Outcome_SucceededWithStepTimes_ShowsTheDowntime()
    {
        var log = RestoreSteps.All.Select(s => "▶ " + s).ToArray();
        var result = new RestoreResultResponse("r43", RunStates.Succeeded, null, null, false, [], null, [], null,
            [new StepTime(RestoreSteps.Preflight, 1.5, false), new StepTime(RestoreSteps.MaintenanceOn, 0.75, true), new StepTime(RestoreSteps.MaintenanceOff, 0.5, true)], 12.25);

        var cut = Ctx.Render<RestoreRunPanel>(p => p.Add(c => c.Run, WizardData.Run(RunStates.Succeeded, log)).Add(c => c.Result, result));

        Assert.Contains("12.3 s", cut.Find("[data-testid=restore-downtime]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Outcome_Failed_ShowsTheStepWhyAndMaintenanceOn()
    {
        var cut = Ctx.Render<RestoreRunPanel>(p => p.Add(c => c.Run, WizardData.Run(RunStates.Failed, FailedLog)).Add(c => c.Result, Failed()));

        var states = cut.FindAll("[data-testid=restore-step]").ToDictionary(s => s.GetAttribute("data-step")!, s => s.GetAttribute("data-state"));
        Assert.Equal("failed", states[RestoreSteps.Verify]);
        Assert.Equal("succeeded", states[RestoreSteps.Restore]);
        Assert.Equal("not run", states[RestoreSteps.MaintenanceOff]);
        var outcome = cut.Find("[data-testid=restore-outcome]").TextContent;
        Assert.Contains("stopped at step 'verify'", outcome, StringComparison.Ordinal);
        Assert.Contains("row counts differ", outcome, StringComparison.Ordinal);
        Assert.Contains("Maintenance is still ON", outcome, StringComparison.Ordinal);
        Assert.Contains("kobo-kpi", outcome, StringComparison.Ordinal);
    }

    [Fact]
    public void Rollback_NeedsItsOwnTypedConfirmation()
    {
        StartRestoreRequest? rollback = null;
        var cut = Ctx.Render<RestoreRunPanel>(p => p
            .Add(c => c.Run, WizardData.Run(RunStates.Failed, FailedLog))
            .Add(c => c.Result, Failed())
            .Add(c => c.OnRollback, (StartRestoreRequest r) => rollback = r));

        Assert.True(cut.Find("[data-testid=rollback-start]").HasAttribute("disabled"));
        cut.Find("input[data-testid=rollback-phrase]").Input("kobo.other.org");
        Assert.True(cut.Find("[data-testid=rollback-start]").HasAttribute("disabled"));
        cut.Find("input[data-testid=rollback-phrase]").Input(WizardData.Domain);
        cut.Find("[data-testid=rollback-start]").Click();

        Assert.Equal(["disk:safety-1"], rollback!.BackupIds);
        Assert.Equal(WizardData.Domain, rollback.Confirm);
    }

    [Fact]
    public void Rollback_NoneOffered_NotShown()
    {
        var cut = Ctx.Render<RestoreRunPanel>(p => p.Add(c => c.Run, WizardData.Run(RunStates.Failed, FailedLog)).Add(c => c.Result, Failed(phrase: null)));

        Assert.Empty(cut.FindAll("[data-testid=rollback]"));
    }
}
