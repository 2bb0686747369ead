using KoboConsole.Web.Features.Runs;

namespace KoboConsole.Web.Features.Restores.Wizard;

/// <summary>A restore's runbook steps for the run view, split from its log as the wizard does.</summary>
public sealed class RestoreRunSteps : IRunSteps
{
    public string Kind => RestoreRunner.Kind;

    public IReadOnlyList<RunStepView> Steps(RunView run) => RestoreStepView.From(run).Select(s => new RunStepView(s.Name, s.State, s.Lines)).ToList();
}
