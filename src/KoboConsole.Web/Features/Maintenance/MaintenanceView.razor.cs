using KoboConsole.Web.Features.Audit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using MudBlazor;

namespace KoboConsole.Web.Features.Maintenance;

public sealed partial class MaintenanceView
{
    private readonly CancellationTokenSource _cts = new();
    private MaintenanceStatus? _status;
    private Dictionary<string, string[]> _errors = [];
    private string? _lastError;
    private bool _busy;
    private string _template = "";
    private PublicSite _site = new(null);
    private string? _eta;
    private DateTime? _date;
    private TimeSpan? _time;
    private string? _dateStr;
    private bool _dateStrEdited;
    private string? _email;
    private TimeZoneInfo? _browserZone;

    [Inject] private MaintenanceService Maintenance { get; set; } = default!;

    [Inject] private IDialogService Dialogs { get; set; } = default!;

    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [Inject] private IJSRuntime JS { get; set; } = default!;

    [Inject] private TimeProvider Time { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState>? AuthState { get; set; }

    // Only valid values reach the preview (MaintenanceValidation.ForPreview); _shown remembers the
    // last page shown, _live the fields wrong as typed (marked before "Turn on" is pressed).
    private MaintenanceFields? _shown;
    private Dictionary<string, string[]> _live = [];

    private string Preview()
    {
        (_shown, _live) = MaintenanceValidation.ForPreview(CurrentFields(), _shown, Time.GetUtcNow());
        return MaintenancePage.Render(_template, _shown, _site);
    }

    private string BrowserTime => Start() is not { } start || _browserZone is null ? ""
        : $"In your browser's time zone ({_browserZone.Id}): {TimeZoneInfo.ConvertTime(start, _browserZone):ddd d MMM yyyy HH:mm}";

    protected override async Task OnInitializedAsync()
    {
        _template = Maintenance.Template;
        var (status, defaultEmail, site) = await Maintenance.OpenAsync(_cts.Token);
        var defaults = MaintenanceFields.Defaults(Time.GetUtcNow(), defaultEmail);
        _eta = defaults.Eta;
        var start = MaintenanceFields.FloorToQuarterHour(Time.GetUtcNow());
        _date = start.UtcDateTime.Date;
        _time = start.UtcDateTime.TimeOfDay;
        _dateStr = defaults.DateStr;
        _email = defaults.Email;
        _site = site;
        _status = status;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        string zone;
        try
        {
            zone = await JS.InvokeAsync<string>("koboConsole.timeZone");
        }
        catch (JSException)
        {
            return; // the browser's zone is a convenience: UTC is always shown
        }

        if (TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var found))
        {
            _browserZone = found;
            StateHasChanged();
        }
    }

    private DateTimeOffset? Start() => _date is { } d && _time is { } t ? new DateTimeOffset(d.Date + t, TimeSpan.Zero) : null;

    private MaintenanceFields CurrentFields()
    {
        var start = Start() ?? Time.GetUtcNow();
        return new MaintenanceFields(_eta ?? "", MaintenanceFields.ToDateIso(start), _dateStr ?? "", string.IsNullOrWhiteSpace(_email) ? null : _email.Trim());
    }

    private bool HasError(string field) => _errors.ContainsKey(field) || _live.ContainsKey(field);

    private string? ErrorOf(string field) => _errors.TryGetValue(field, out var e) || _live.TryGetValue(field, out e) ? string.Join(" ", e) : null;

    private void OnDateChanged(DateTime? date)
    {
        _date = date;
        DeriveDateStr();
    }

    private void OnTimeChanged(TimeSpan? time)
    {
        _time = time;
        DeriveDateStr();
    }

    private void OnDateStrChanged(string? value)
    {
        _dateStr = value;
        _dateStrEdited = true;
    }

    private void DeriveDateStr()
    {
        if (!_dateStrEdited && Start() is { } start)
        {
            _dateStr = MaintenanceFields.ToDateStr(start);
        }
    }

    private async Task RefreshAsync() => _status = await Maintenance.GetStatusAsync(_cts.Token);

    private async Task EnableAsync()
    {
        var f = CurrentFields();
        var (fields, errors) = MaintenanceValidation.Validate(new MaintenanceRequest(f.Eta, f.DateIso, f.DateStr, f.Email ?? ""), Time.GetUtcNow(), null);
        _errors = errors;
        if (fields is null)
        {
            Snackbar.Add("Some fields are invalid: correct the highlighted fields.", Severity.Error);
            return;
        }

        var hosts = string.Join(", ", _status?.Hosts.Select(h => h.Name) ?? []);
        var ok = await Dialogs.ShowMessageBoxAsync("Turn maintenance on?",
            $"On {hosts}: nginx stops and a maintenance container from the same image takes its ports and network names. "
            + "Every request then gets HTTP 503 with the page in the preview; /service_health/ stays 200. "
            + "If the page does not answer, nginx is started again.", yesText: "Turn on", cancelText: "Cancel");
        if (ok == true)
        {
            await ToggleAsync(actor => Maintenance.EnableAsync(fields, actor, CancellationToken.None), "Maintenance mode is on.");
        }
    }

    private async Task DisableAsync()
    {
        var ok = await Dialogs.ShowMessageBoxAsync(_status?.State == "down" ? "Restore nginx?" : "Turn maintenance off?",
            "The maintenance container stops and nginx starts again. If nginx does not answer, the maintenance page comes back, "
            + "so the site is never left dark.", yesText: "Turn off", cancelText: "Cancel");
        if (ok == true)
        {
            await ToggleAsync(actor => Maintenance.DisableAsync(actor, CancellationToken.None), "Maintenance mode is off: nginx serves the site.");
        }
    }

    private async Task ToggleAsync(Func<string, Task<MaintenanceStatus>> toggle, string success)
    {
        _busy = true;
        _lastError = null;
        try
        {
            var actor = AuthState is null ? "unknown" : AuditLog.ActorOf((await AuthState).User);
            _status = await toggle(actor);
            Snackbar.Add(success, Severity.Success);
        }
        catch (Exception ex) when (ex is MaintenanceRefusedException or MaintenanceSwitchException)
        {
            _lastError = ex.Message;
            Snackbar.Add(ex.Message, Severity.Error);
            await RefreshAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }
}
