using KoboConsole.Web.Features.Runs;

namespace KoboConsole.Web.Features.Restores.Wizard;

/// <summary>One runbook step as the wizard shows it, with the log lines written while it ran.</summary>
public sealed record RestoreStepView(string Name, string State, IReadOnlyList<string> Lines)
{
    public const string Pending = "pending";
    public const string NotRun = "not run";

    /// <summary>
    /// Splits a restore run's log at the runner's step markers (<c>▶ step</c>, <c>✖ step failed: …</c>).
    /// Steps before the current one succeeded; the current one is running, failed or succeeded
    /// with the run; later ones are pending, or "not run" once the run has ended.
    /// </summary>
    public static IReadOnlyList<RestoreStepView> From(RunView run)
    {
        var lines = RestoreSteps.All.ToDictionary(s => s, _ => new List<string>(), StringComparer.Ordinal);
        var started = new List<string>();
        string? failed = null;
        var current = RestoreSteps.All[0];
        foreach (var line in run.Log)
        {
            if (line.StartsWith("▶ ", StringComparison.Ordinal) && lines.ContainsKey(line[2..]))
            {
                current = line[2..];
                started.Add(current);
                continue;
            }

            if (line.StartsWith($"✖ {current} failed", StringComparison.Ordinal))
            {
                failed = current;
            }

            lines[current].Add(line);
        }

        var last = started.Count > 0 ? started[^1] : null;
        var finished = RunStates.IsFinished(run.State);
        return RestoreSteps.All.Select(step =>
        {
            string state;
            if (!started.Contains(step))
            {
                state = finished ? NotRun : Pending;
            }
            else if (step != last)
            {
                state = RunStates.Succeeded;
            }
            else
            {
                state = failed == step ? RunStates.Failed
                    : run.State == RunStates.Succeeded ? RunStates.Succeeded
                    : finished ? run.State
                    : RunStates.Running;
            }

            return new RestoreStepView(step, state, lines[step]);
        }).ToList();
    }
}
