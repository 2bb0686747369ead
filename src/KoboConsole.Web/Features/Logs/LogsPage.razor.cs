using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace KoboConsole.Web.Features.Logs;

/// <summary>
/// The logs page: pick containers (or a preset), then follow them merged. Reads the in-process
/// pump through <see cref="LogStreamService"/>, the same path as the hub.
/// </summary>
public sealed partial class LogsPage
{
    private IReadOnlyList<KoboContainer> _containers = [];
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1859", Justification = "MudSelect.SelectedValues binds this exact type.")]
    private IReadOnlyCollection<string> _selected = [];
    private int _tail = LogStreamRequest.DefaultTail;
    private string? _since;
    private string? _filter;
    private string? _exclude;
    private bool _regex;
    private bool _matchCase;
    private bool _files = true;
    private bool _follow = true;
    private bool _streaming;
    private bool _loaded;
    private int _sourceCount;
    private LogView? _view;
    private CancellationTokenSource? _run;

    [Inject]
    private StackDiscovery Discovery { get; set; } = default!;

    [Inject]
    private LogStreamService Logs { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "container")]
    private string[]? Preselected { get; set; }

    private IEnumerable<string> Services => _containers.Select(c => c.Service).Distinct().Order(StringComparer.Ordinal);

    private string ContainerHelp => _containers.Count == 0 ? "No kobo containers found: check the Docker hosts on the overview page." : "Pick one or several; lines are merged by time.";

    private string DownloadUrl
    {
        get
        {
            var query = string.Join('&', _selected.Select(s => "containers=" + Uri.EscapeDataString(s)));
            query += $"&tail={_tail}&files={(_files ? "true" : "false")}&regex={(_regex ? "true" : "false")}";
            foreach (var (key, value) in new[] { ("since", _since), ("filter", _filter), ("exclude", _exclude) })
            {
                if (!string.IsNullOrEmpty(value))
                {
                    query += $"&{key}={Uri.EscapeDataString(value)}";
                }
            }

            return "/logs/download?" + query;
        }
    }

    protected override async Task OnInitializedAsync()
    {
        try
        {
            _containers = (await Discovery.DiscoverAsync(includeOneOff: false, CancellationToken.None)).Containers;
            _selected = (Preselected ?? []).Select(p => _containers.FirstOrDefault(c => c.Name == p || c.Id == p)?.Id).OfType<string>().ToList();
        }
        catch (DockerException ex)
        {
            Snackbar.Add($"{ex.Message} Check the host on the overview page.", Severity.Error);
        }

        _loaded = RendererInfo.IsInteractive;
    }

    private string NameOf(string id) => _containers.FirstOrDefault(c => c.Id == id)?.Name ?? id;

    private void Preset(KoboRole? role) => _selected = _containers.Where(c => role is null || c.Role == role).Select(c => c.Id).ToList();

    private void PresetService(string service) => _selected = _containers.Where(c => c.Service == service).Select(c => c.Id).ToList();

    // "Show logs": start, then bring the viewer up under the app bar.
    private async Task ShowAsync()
    {
        if (await StartAsync() && _view is not null)
        {
            await _view.RevealAsync();
        }
    }

    // A changed filter, tail or switch applies to what is shown at once: no second "Show logs".
    private async Task ApplyAsync()
    {
        if (_streaming)
        {
            await StartAsync();
        }
    }

    private async Task<bool> StartAsync()
    {
        if (_selected.Count == 0)
        {
            Snackbar.Add("Pick at least one container (or a preset) first.", Severity.Warning);
            return false;
        }

        DateTimeOffset? since = null;
        if (!string.IsNullOrWhiteSpace(_since) && (since = SinceParser.Parse(_since, DateTimeOffset.UtcNow)) is null)
        {
            Snackbar.Add("'Since' must be a duration back from now (30s, 15m, 2h, 1d) or a time like 2026-11-25T10:00:00Z.", Severity.Error);
            return false;
        }

        Stop();
        _view?.Clear();
        var request = new LogStreamRequest
        {
            Containers = [.. _selected],
            Tail = _tail,
            Since = since,
            Follow = _follow,
            Filter = _filter,
            Exclude = _exclude,
            Regex = _regex,
            MatchCase = _matchCase,
            Files = _files,
        };
        _run = new CancellationTokenSource();
        try
        {
            var plan = await Logs.PrepareAsync(request, _run.Token);
            _sourceCount = plan.Sources.Count;
            _streaming = true;
            _ = PumpAsync(plan, _run.Token);
            return true;
        }
        catch (Exception ex) when (ex is LogRequestException or DockerException)
        {
            Snackbar.Add(ex.Message, Severity.Error);
            return false;
        }
    }

    private async Task PumpAsync(LogPlan plan, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var batch in Logs.StreamAsync(plan, cancellationToken))
            {
                await InvokeAsync(() => _view?.Append(batch));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A new selection or the page closed.
        }
        catch (DockerException ex)
        {
            await InvokeAsync(() => Snackbar.Add($"{ex.Message} Press 'Show logs' to try again.", Severity.Error));
        }
    }

    private void Stop()
    {
        _run?.Cancel();
        _run?.Dispose();
        _run = null;
        _streaming = false;
    }

    public void Dispose() => Stop();
}
