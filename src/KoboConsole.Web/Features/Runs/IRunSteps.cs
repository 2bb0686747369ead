namespace KoboConsole.Web.Features.Runs;

/// <summary>One step of a runbook as the run view shows it, with the log lines written while it ran.</summary>
public sealed record RunStepView(string Name, string State, IReadOnlyList<string> Lines);

/// <summary>
/// A kind of run whose log is a runbook of named steps (restores; upgrades later): the run view asks
/// it for the steps. An interface here, implemented by the feature, so Runs depends on no feature.
/// </summary>
public interface IRunSteps
{
    string Kind { get; }

    IReadOnlyList<RunStepView> Steps(RunView run);
}
