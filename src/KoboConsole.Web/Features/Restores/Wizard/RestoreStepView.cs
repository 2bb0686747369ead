using KoboConsole.Web.Features.Runs;

namespace KoboConsole.Web.Features.Restores.Wizard;

/// <summary>One runbook step as the wizard shows it, with the log lines written while it ran.</summary>
public sealed record RestoreStepView(string Name, string State, IReadOnlyList<string> Lines)
{
    public const string Pending = "pending";
    public const string NotRun = "not run";

    /// <summary>
    /// Splits a restore run's log at the runner's step markers (<c>▶ step</c>, <c>✖ step failed: …</c>),
    /// after the <c>HH:mm:ss</c> the run store puts before each line. Steps before the current one
    /// succeeded (also when the capped log no longer holds their lines); the current one is running,
    /// failed or ends with the run; later ones are pending, or "not run" once the run has ended.
    /// </summary>
    public static IReadOnlyList<RestoreStepView> From(RunView run)
    {
        var lines = RestoreSteps.All.ToDictionary(s => s, _ => new List<string>(), StringComparer.Ordinal);
        var started = new List<string>();
        string? failed = null;
        var current = RestoreSteps.All[0];
        foreach (var line in run.Log)
        {
            var text = WithoutTime(line);
            if (text.StartsWith("▶ ", StringComparison.Ordinal) && lines.ContainsKey(text[2..]))
            {
                current = text[2..];
                started.Add(current);
                continue;
            }

            if (text.StartsWith($"✖ {current} failed", StringComparison.Ordinal))
            {
                failed = current;
            }

            lines[current].Add(line);
        }

        var last = started.Count > 0 ? started[^1] : null;
        var lastIndex = last is null ? -1 : RestoreSteps.All.ToList().IndexOf(last);
        var finished = RunStates.IsFinished(run.State);
        return RestoreSteps.All.Select((step, index) =>
        {
            string state;
            if (index > lastIndex)
            {
                state = finished ? NotRun : Pending;
            }
            else if (index < lastIndex)
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

    /// <summary>A log line without its leading <c>HH:mm:ss </c> (see <see cref="RunStore.GetAsync"/>).</summary>
    private static string WithoutTime(string line) =>
        line.Length > 9 && line[2] == ':' && line[5] == ':' && line[8] == ' ' && char.IsAsciiDigit(line[0]) ? line[9..] : line;
}
