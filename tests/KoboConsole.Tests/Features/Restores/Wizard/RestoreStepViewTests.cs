using KoboConsole.Web.Features.Restores;
using KoboConsole.Web.Features.Restores.Wizard;
using KoboConsole.Web.Features.Runs;

namespace KoboConsole.Tests.Features.Restores.Wizard;

public sealed class RestoreStepViewTests
{
    [Fact]
    public void From_QueuedRun_EveryStepPending()
    {
        var steps = RestoreStepView.From(WizardData.Run(RunStates.Queued));

        Assert.All(steps, s => Assert.Equal(RestoreStepView.Pending, s.State));
    }

    [Fact]
    public void From_CancelledDuringRestore_ThatStepCancelledLaterNotRun()
    {
        var steps = RestoreStepView.From(WizardData.Run(RunStates.Cancelled, "▶ pre-flight", "▶ maintenance on", "▶ stop writers", "▶ safety backup", "▶ restore"));

        Assert.Equal(RunStates.Cancelled, steps.Single(s => s.Name == RestoreSteps.Restore).State);
        Assert.Equal(RestoreStepView.NotRun, steps.Single(s => s.Name == RestoreSteps.Verify).State);
    }

    [Fact]
    public void From_LinesOfAStep_StayWithThatStep()
    {
        var steps = RestoreStepView.From(WizardData.Run(RunStates.Running, "▶ pre-flight", "a", "▶ maintenance on", "b", "c"));

        Assert.Equal(["10:00:01 a"], steps[0].Lines);
        Assert.Equal(["10:00:01 b", "10:00:01 c"], steps[1].Lines);
    }

    [Fact]
    public void From_LogCappedBeforeTheFirstSteps_EarlierStepsStillSucceeded()
    {
        var steps = RestoreStepView.From(WizardData.Run(RunStates.Running, "10:00:00 some line of the safety backup", "▶ restore"));

        Assert.All(steps.TakeWhile(s => s.Name != RestoreSteps.Restore), s => Assert.Equal(RunStates.Succeeded, s.State));
        Assert.Equal(RunStates.Running, steps.Single(s => s.Name == RestoreSteps.Restore).State);
    }
}
