using Microsoft.AspNetCore.Components;

namespace KoboConsole.Web.Features.Runs;

/// <summary>One run (backup, restore, drill) with its items, its steps when it is a runbook, and its log; follows it live until it ends.</summary>
public sealed partial class RunPage
{
    private RunView? _run;
    private IReadOnlyList<RunStepView>? _steps;
    private DateTimeOffset _now = DateTimeOffset.UtcNow;
    private bool _loaded;
    private bool _following;

    [Parameter] public string RunId { get; set; } = "";

    [Inject] private RunStore Runs { get; set; } = null!;
    [Inject] private RunWatch Watch { get; set; } = null!;
    [Inject] private IEnumerable<IRunSteps> Runbooks { get; set; } = null!;

    public static string Href(string runId) => $"/runs/{Uri.EscapeDataString(runId)}";

    protected override async Task OnParametersSetAsync()
    {
        await LoadAsync();
        if (!_following)
        {
            _following = true;
            Follow(Watch.Where(kinds => _run is { } run && !RunStates.IsFinished(run.State) && kinds.Contains(run.Kind)), LoadAsync);
        }
    }

    private async Task LoadAsync()
    {
        // Run ids are letters and digits (RunStore); anything else is not looked up.
        _run = RunId.Length is > 0 and <= 64 && RunId.All(char.IsAsciiLetterOrDigit) ? await Runs.GetAsync(RunId, Disposing) : null;
        _steps = _run is { } run ? Runbooks.FirstOrDefault(r => r.Kind == run.Kind)?.Steps(run) : null;
        _now = DateTimeOffset.UtcNow;
        _loaded = true;
    }
}
