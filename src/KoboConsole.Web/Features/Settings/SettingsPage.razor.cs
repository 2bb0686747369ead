using System.Globalization;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Checks;
using KoboConsole.Web.Features.Checks.Alerts;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace KoboConsole.Web.Features.Settings;

public sealed partial class SettingsPage : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly Dictionary<string, int?> _values = new(StringComparer.Ordinal);
    private IReadOnlyList<ChannelResponse> _channels = [];
    private IReadOnlyList<EffectiveSetting> _effective = [];
    private IReadOnlyDictionary<string, string> _settingErrors = new Dictionary<string, string>();
    private IReadOnlyDictionary<string, string[]>? _errors;
    private ChannelRequest? _form;
    private bool _editing;
    private bool _busy;

    [Inject] private AlertChannels Channels { get; set; } = null!;

    [Inject] private ChannelEditor Editor { get; set; } = null!;

    [Inject] private PageSettings Stored { get; set; } = null!;

    [Inject] private PageSettingsProvider PageValues { get; set; } = null!;

    [Inject] private EffectiveConfiguration Effective { get; set; } = null!;

    // Optional: only for the install's name in the test alert.
    [Inject] private IServiceProvider Provider { get; set; } = null!;

    [Inject] private Microsoft.Extensions.Options.IOptionsMonitor<ChecksOptions> ChecksOptions { get; set; } = null!;

    [Inject] private AuditLog Audit { get; set; } = null!;

    [Inject] private TimeProvider Time { get; set; } = null!;

    [Inject] private ISnackbar Snackbar { get; set; } = null!;

    [Inject] private AuthenticationStateProvider Auth { get; set; } = null!;

    protected override async Task OnInitializedAsync() => await LoadAsync();

    private async Task LoadAsync()
    {
        _channels = (await Channels.ListAsync(_cts.Token)).Select(ChannelResponse.Of).ToList();
        _effective = Effective.Read();
        var page = PageValues.Values;
        foreach (var s in PageSettings.Editable)
        {
            _values[s.Key] = page.TryGetValue(s.Key, out var v) && int.TryParse(v, CultureInfo.InvariantCulture, out var n) ? n : null;
        }
    }

    private string Helper(EditableSetting s)
    {
        var e = _effective.FirstOrDefault(x => x.Key == s.Key);
        return $"{s.Unit}, {s.Min} to {s.Max}; now {e?.Value} ({e?.Source})";
    }

    private async Task<string> ActorAsync() => AuditLog.ActorOf((await Auth.GetAuthenticationStateAsync()).User);

    private void Add()
    {
        (_form, _editing, _errors) = (new ChannelRequest(Kind: ChannelKinds.Email, SmtpPort: 587, StartTls: true), false, null);
    }

    private void Edit(ChannelResponse c)
    {
        (_form, _editing, _errors) = (new ChannelRequest(c.Name, c.Kind, null, c.To, c.From, c.SmtpHost, c.SmtpPort, c.SmtpUser, null, c.StartTls ?? true, c.SmtpCertificateSha256), true, null);
    }

    private async Task SaveChannelAsync(ChannelRequest request)
    {
        _busy = true;
        try
        {
            var actor = await ActorAsync();
            var edit = _editing ? await Editor.UpdateAsync(request.Name!, request, actor, _cts.Token) : await Editor.CreateAsync(request, actor, _cts.Token);
            switch (edit.Outcome)
            {
                case ChannelEditOutcome.Done:
                    Snackbar.Add($"Channel {edit.Channel!.Channel.Name} saved.", Severity.Success);
                    (_form, _errors) = (null, null);
                    await LoadAsync();
                    break;
                case ChannelEditOutcome.Invalid:
                    _errors = edit.Errors;
                    break;
                case ChannelEditOutcome.Exists:
                    _errors = new Dictionary<string, string[]> { ["name"] = [$"a channel with this name exists already{(edit.ConfigKey is { } k ? $" ({k})" : "")}: choose another."] };
                    break;
                default:
                    Snackbar.Add($"Channel {request.Name} cannot be changed here ({edit.Outcome}).", Severity.Warning);
                    break;
            }
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task DeleteAsync(string name)
    {
        var edit = await Editor.DeleteAsync(name, await ActorAsync(), _cts.Token);
        Snackbar.Add(edit.Outcome == ChannelEditOutcome.Done ? $"Channel {name} deleted." : $"Channel {name} was not deleted ({edit.Outcome}).",
            edit.Outcome == ChannelEditOutcome.Done ? Severity.Success : Severity.Warning);
        await LoadAsync();
    }

    private async Task TestAsync(string name)
    {
        _busy = true;
        try
        {
            if (await Channels.FindAsync(name, _cts.Token) is not { } entry)
            {
                Snackbar.Add($"Channel {name} is gone.", Severity.Warning);
                return;
            }

            var delivery = await Channels.SendAsync(entry.Channel, AlertText.Test(name, Provider.GetService<ServiceChecks>()?.Domain, ChecksOptions.CurrentValue.PublicUrl, Time.GetUtcNow()), _cts.Token);
            await Audit.WriteAsync(await ActorAsync(), "alerts.test", name, delivery.Outcome, delivery.Reason, null, _cts.Token);
            Snackbar.Add(delivery.Outcome == DeliveryOutcomes.Sent ? $"The test reached channel {name}." : $"The test did not reach channel {name}: {delivery.Reason}",
                delivery.Outcome == DeliveryOutcomes.Sent ? Severity.Success : Severity.Error);
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task SaveSettingsAsync()
    {
        _busy = true;
        try
        {
            var page = PageValues.Values;
            var changed = _values.Where(kv => page.GetValueOrDefault(kv.Key) != kv.Value?.ToString(CultureInfo.InvariantCulture)).ToDictionary(kv => kv.Key, kv => kv.Value);
            _settingErrors = await Stored.SaveAsync(changed, await ActorAsync(), _cts.Token);
            if (_settingErrors.Count == 0)
            {
                Snackbar.Add(changed.Count == 0 ? "Nothing changed." : $"Saved {changed.Count} setting(s); they apply from the next round.", Severity.Success);
                await LoadAsync();
            }
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
