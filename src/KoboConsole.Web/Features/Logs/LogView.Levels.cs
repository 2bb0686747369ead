using Microsoft.JSInterop;
using MudBlazor;

namespace KoboConsole.Web.Features.Logs;

// Level chips (a client-side filter over the lines the page holds) and "download what is shown".
public sealed partial class LogView
{
    public static readonly IReadOnlyList<string> Levels = ["error", "warn", "info", "debug"];

    private readonly HashSet<string> _levels = [];
    private List<LogRow>? _visible;

    /// <summary>The lines on screen: all of them, or those of the chosen levels (gaps and notices always).</summary>
    public List<LogRow> Visible => _visible ??= _levels.Count == 0
        ? _lines
        : _lines.Where(r => r.Item.IsMarker || (r.Item.Level is { } level && _levels.Contains(level))).ToList();

    /// <summary>The levels chosen; none chosen shows every line.</summary>
    public IReadOnlyCollection<string> SelectedLevels => _levels;

    private string StatusText
    {
        get
        {
            var shown = _levels.Count == 0 ? $"{_lines.Count} lines shown" : $"{Visible.Count} of {_lines.Count} lines shown (levels: {string.Join(", ", Levels.Where(_levels.Contains))})";
            return Dropped > 0 ? $"{shown}; {Dropped} older lines dropped from this page (it keeps the latest {MaxLines})" : shown;
        }
    }

    public void ToggleLevel(string level)
    {
        if (!_levels.Remove(level))
        {
            _levels.Add(level);
        }

        _visible = null;
        StateHasChanged();
    }

    /// <summary>The shown lines (after every filter) as a <c>.log</c> file, made in the browser (wwwroot/js/logs.js).</summary>
    private async Task DownloadShownAsync()
    {
        if (_module is null)
        {
            return;
        }

        var text = LogText.Plain(Visible.Select(r => r.Item));
        var name = $"logs-shown-{DateTime.UtcNow:yyyyMMdd-HHmmss}.log";
        try
        {
            await _module.InvokeVoidAsync("downloadText", name, text);
        }
        catch (JSDisconnectedException)
        {
            // The page closed meanwhile.
        }
    }

    private static Color ChipColour(string level) => level switch
    {
        "error" => Color.Error,
        "warn" => Color.Warning,
        "info" => Color.Info,
        _ => Color.Default,
    };
}
