using KoboConsole.Web.Features.Audit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace KoboConsole.Web.Features.Backups.KoboCron;

public sealed partial class KoboCronPanel
{
    private IReadOnlyList<KoboCronEntry> _entries = [];
    private string? _error;
    private bool _busy;

    [Inject] private KoboCronService Cron { get; set; } = null!;
    [Inject] private IDialogService Dialogs { get; set; } = null!;
    [Inject] private ISnackbar Snackbar { get; set; } = null!;
    [Inject] private AuthenticationStateProvider Auth { get; set; } = null!;

    protected override async Task OnInitializedAsync() => await LoadAsync();

    private static string Schedule(KoboCronEntry e) => (e.Cron ?? e.EnvSchedule) is { } c ? KoboCrontab.Describe(c) : "none";

    private static string StateText(string state) => state switch
    {
        KoboCronStates.On => "on",
        KoboCronStates.OffByConsole => "off until recreate",
        KoboCronStates.Off => "off",
        _ => "unknown",
    };

    private static Color StateColor(string state) => state switch
    {
        KoboCronStates.On => Color.Warning,
        KoboCronStates.OffByConsole => Color.Info,
        KoboCronStates.Off => Color.Default,
        _ => Color.Error,
    };

    private async Task LoadAsync()
    {
        try
        {
            _entries = await Cron.ListAsync(CancellationToken.None);
            _error = null;
        }
        catch (Exception ex) when (ex is Infrastructure.Docker.DockerException or InvalidOperationException)
        {
            _error = $"kobo's cron could not be read: {ex.Message}";
        }
    }

    private async Task SwitchAsync(KoboCronEntry entry, bool on)
    {
        var ok = await Dialogs.ShowMessageBoxAsync(
            on ? $"Switch kobo's {entry.Store} backup cron back on?" : $"Switch kobo's {entry.Store} backup cron off?",
            on ? $"kobo's job line in {entry.Container} is restored exactly as kobo wrote it; kobo's own backups of {entry.Store} run again on their schedule."
               : $"kobo's own {entry.Store} backups stop; the console's schedule keeps backing {entry.Store} up. This lasts {KoboCronService.UntilRecreate}.",
            yesText: on ? "Switch on" : "Switch off", cancelText: "Cancel");
        if (ok != true)
        {
            return;
        }

        _busy = true;
        try
        {
            var actor = AuditLog.ActorOf((await Auth.GetAuthenticationStateAsync()).User);
            await Cron.SwitchAsync(entry.Store, on, actor, CancellationToken.None);
            Snackbar.Add($"kobo's {entry.Store} backup cron is {(on ? "on" : "off until the container is recreated")}.", Severity.Success);
        }
        catch (KoboCronException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
        finally
        {
            _busy = false;
        }

        await LoadAsync();
    }
}
