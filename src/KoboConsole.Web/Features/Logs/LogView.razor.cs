using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace KoboConsole.Web.Features.Logs;

/// <summary>One rendered line: ANSI turned into escaped HTML once, JSON pretty-printed once.</summary>
public sealed record LogRow(long Seq, LogItem Item, string Html, string? Json);

/// <summary>
/// The merged, virtualized list. Keeps at most <see cref="MaxLines"/> lines and says how many it
/// dropped; while paused (scrolled up, or the pause button) new lines wait, counted on the
/// "N new lines" button, and appear when the viewer jumps back down.
/// </summary>
public sealed partial class LogView
{
    public const int MaxLines = 3_000;

    private static readonly string[] Palette = ["#1565c0", "#2e7d32", "#6a1b9a", "#c62828", "#00838f", "#ef6c00", "#4e342e", "#283593", "#ad1457", "#558b2f", "#00695c", "#5d4037"];
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true };
    private readonly List<LogRow> _lines = [];
    private readonly List<LogRow> _waiting = [];
    private readonly HashSet<long> _expanded = [];
    private ElementReference _scroller;
    private ElementReference _box;
    private IJSObjectReference? _module;
    private DotNetObjectReference<LogView>? _self;
    private long _seq;
    private bool _renderQueued;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    public long Dropped { get; private set; }

    public bool Paused { get; private set; }

    public int NewWhilePaused => _waiting.Count;

    public IReadOnlyList<LogRow> Lines => _lines;

    /// <summary>A stable colour per container name (same name, same colour, on every page load).</summary>
    public static string ColourOf(string name)
    {
        var hash = 17;
        foreach (var c in name)
        {
            hash = unchecked((hash * 31) + c);
        }

        return Palette[(int)((uint)hash % Palette.Length)];
    }

    /// <summary>Adds a batch (call on the renderer's thread); renders at most every 150 ms.</summary>
    public void Append(IReadOnlyList<LogItem> batch)
    {
        var target = Paused ? _waiting : _lines;
        foreach (var item in batch)
        {
            target.Add(new LogRow(++_seq, item, AnsiRenderer.ToHtml(item.Text), PrettyJson(item.Text)));
        }

        Trim(_lines);
        Trim(_waiting);
        _visible = null;
        QueueRender();
    }

    public void Clear()
    {
        _lines.Clear();
        _waiting.Clear();
        _expanded.Clear();
        _visible = null;
        Dropped = 0;
        StateHasChanged();
    }

    public void Pause()
    {
        Paused = true;
        StateHasChanged();
    }

    public async Task ResumeAsync()
    {
        Paused = false;
        _lines.AddRange(_waiting);
        _waiting.Clear();
        Trim(_lines);
        _visible = null;
        StateHasChanged();
        if (_module is not null)
        {
            await _module.InvokeVoidAsync("scrollToBottom", _scroller);
        }
    }

    /// <summary>Scrolls the page so the viewer sits right under the app bar (after "Show logs").</summary>
    public async Task RevealAsync()
    {
        if (_module is not null)
        {
            await _module.InvokeVoidAsync("reveal", _box);
        }
    }

    [JSInvokable]
    public async Task OnScrolled(bool atBottom)
    {
        if (!atBottom && !Paused)
        {
            Pause();
        }
        else if (atBottom && Paused)
        {
            await ResumeAsync();
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            _module = await JS.InvokeAsync<IJSObjectReference>("import", "./js/logs.js");
            _self = DotNetObjectReference.Create(this);
            if (_module is not null)
            {
                await _module.InvokeVoidAsync("watch", _scroller, _self);
            }
        }
        else if (!Paused && _module is not null)
        {
            await _module.InvokeVoidAsync("scrollToBottom", _scroller);
        }
    }

    private void Trim(List<LogRow> list)
    {
        var over = list.Count - MaxLines;
        if (over > 0)
        {
            list.RemoveRange(0, over);
            Dropped += over;
        }
    }

    private async void QueueRender()
    {
        if (_renderQueued)
        {
            return;
        }

        _renderQueued = true;
        await Task.Delay(150);
        _renderQueued = false;
        await InvokeAsync(StateHasChanged);
    }

    private void Toggle(long seq)
    {
        if (!_expanded.Remove(seq))
        {
            _expanded.Add(seq);
        }
    }

    private static string RowClass(LogRow row) => "log-row " + (row.Item.IsMarker ? "marker" : row.Item.Stream == "stderr" ? "stderr" : "");

    private static string ShortName(LogItem item)
    {
        var name = item.ContainerName;
        var source = item.Stream.StartsWith("file:", StringComparison.Ordinal) ? " " + item.Stream : "";
        return name + source;
    }

    private static string? PrettyJson(string text)
    {
        if (text.Length < 2 || text[0] != '{' || text[^1] != '}')
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(text);
            return JsonSerializer.Serialize(doc.RootElement, Pretty);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _self?.Dispose();
        if (_module is not null)
        {
            try
            {
                await _module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone already.
            }
        }
    }
}
