using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Restores;
using KoboConsole.Web.Features.Restores.Stores;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace KoboConsole.Web.Features.Upgrades;

/// <summary>The PostgreSQL upgrade page (admins): pre-flight, prepare, then switch, roll back or retire, with the latest run's log.</summary>
public sealed partial class UpgradesPage
{
    private string? _image;
    private string? _reason;
    private string? _typed;
    private string _phrase = "kobo";
    private bool _busy;
    private PostgresUpgradePlan? _plan;
    private UpgradeRecord? _record;
    private RunView? _run;

    [Inject] private UpgradeService Upgrades { get; set; } = null!;
    [Inject] private RestoreService Restores { get; set; } = null!;
    [Inject] private RunStore Runs { get; set; } = null!;
    [Inject] private RunWatch Watch { get; set; } = null!;
    [Inject] private ISnackbar Snackbar { get; set; } = null!;
    [Inject] private AuthenticationStateProvider Auth { get; set; } = null!;

    private bool Confirmed => string.Equals(_typed?.Trim(), _phrase, StringComparison.OrdinalIgnoreCase);

    protected override async Task OnInitializedAsync()
    {
        await RefreshAsync();
        // An upgrade started here, by the API or by another instance shows live (decision 0031).
        Follow(Watch.Of(UpgradeRunner.Kind), RefreshAsync);
    }

    private async Task RefreshAsync()
    {
        var recent = await Runs.ListAsync(UpgradeRunner.Kind, 20, Disposing);
        _run = recent.Count > 0 ? await Runs.GetAsync(recent[0].Id, Disposing) : null;
        foreach (var run in recent)
        {
            if (await Upgrades.GetAsync(run.Id, Disposing) is { } record)
            {
                _record = record;
                break;
            }
        }
    }

    private async Task PreflightAsync()
    {
        _busy = true;
        try
        {
            if (UpgradeService.Validate(_image, null).Values.FirstOrDefault() is { } errors)
            {
                Snackbar.Add("Target image " + errors[0], Severity.Warning);
                return;
            }

            _plan = await Upgrades.PreflightAsync(new PostgresPreflightRequest(_image!.Trim(), null, _reason), Disposing);
            _phrase = _plan.ConfirmPhrase;
        }
        catch (Exception ex) when (ex is UpgradeRefusedException or DockerException or RestoreStepException)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task StartAsync() => await GuardAsync(async actor =>
        await Upgrades.StartAsync(new StartPostgresUpgradeRequest(_image, null, _typed, _reason), actor, Disposing), "Upgrade queued: preparing the new data directory.");

    private async Task ActAsync(string action) => await GuardAsync(async actor =>
        await Upgrades.ActAsync(_record!.RunId, action, _typed, actor, Disposing), $"{action} queued.");

    private async Task GuardAsync(Func<string, Task<string?>> start, string done)
    {
        try
        {
            _phrase = await Restores.ConfirmPhraseAsync(Disposing);
            var actor = AuditLog.ActorOf((await Auth.GetAuthenticationStateAsync()).User);
            await start(actor);
            Snackbar.Add(done, Severity.Success);
            _plan = null;
            _typed = null;
            await RefreshAsync();
        }
        catch (UpgradeRefusedException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
    }
}
