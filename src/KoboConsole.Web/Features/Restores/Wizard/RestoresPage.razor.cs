using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Restores.Stores;
using KoboConsole.Web.Features.Runs;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace KoboConsole.Web.Features.Restores.Wizard;

/// <summary>
/// The restore wizard (admins): choose backups, pre-flight, plan with the typed confirmation, then the
/// run live. Opening the page while a restore runs (or after one failed) shows that run.
/// </summary>
public sealed partial class RestoresPage
{
    private readonly HashSet<string> _selected = new(StringComparer.Ordinal);
    private IReadOnlyList<BackupSet> _sets = [];
    private string? _catalogError;
    private RestorePlan? _plan;
    private bool _accept;
    private bool _acceptReplication;
    private bool _checking;
    private bool _starting;
    private RunView? _run;
    private IReadOnlyList<RunView> _history = [];
    private RestoreResultResponse? _result;
    private DateTimeOffset _now = DateTimeOffset.UtcNow;

    [Inject] private BackupCatalog Catalog { get; set; } = null!;
    [Inject] private RestoreService Restores { get; set; } = null!;
    [Inject] private RunStore Runs { get; set; } = null!;
    [Inject] private RunWatch Watch { get; set; } = null!;
    [Inject] private RunCancelRequests Cancels { get; set; } = null!;
    [Inject] private ISnackbar Snackbar { get; set; } = null!;
    [Inject] private AuthenticationStateProvider Auth { get; set; } = null!;

    protected override async Task OnInitializedAsync()
    {
        _history = await Runs.ListAsync(RestoreRunner.Kind, 10, Disposing);
        var latest = _history.Count > 0 ? _history[0] : null;
        if (latest is not null && !RunStates.IsFinished(latest.State))
        {
            await ShowRunAsync(latest.Id);
        }
        else
        {
            await LoadCatalogAsync();
        }

        // A restore started anywhere (another tab, the API, another instance) shows here live (decision 0027).
        Follow(Watch.Of(RestoreRunner.Kind), RefreshAsync);
    }

    private async Task RefreshAsync()
    {
        // A finished run shown stays as it is (its result and rollback were read when it ended).
        _now = DateTimeOffset.UtcNow;
        _history = await Runs.ListAsync(RestoreRunner.Kind, 10, Disposing);
        if (_run is not null)
        {
            if (!RunStates.IsFinished(_run.State))
            {
                await ShowRunAsync(_run.Id);
            }
        }
        else if (!_starting && _history is [{ } latest, ..] && !RunStates.IsFinished(latest.State))
        {
            await ShowRunAsync(latest.Id);
        }
    }

    private async Task ShowRunAsync(string runId)
    {
        _run = await Runs.GetAsync(runId, Disposing);
        _result = _run is not null && RunStates.IsFinished(_run.State) ? await Restores.ResultAsync(runId, Disposing) : null;
    }

    private async Task LoadCatalogAsync()
    {
        try
        {
            _sets = BackupSet.Group(await Catalog.ListAsync(null, null, Disposing));
            _catalogError = null;
        }
        catch (Exception ex) when (ex is BackupItemException or IOException or UnauthorizedAccessException)
        {
            _sets = [];
            _catalogError = $"The catalog could not be read: {ex.Message} Check KoboConsole:Backups:Directory and the S3 settings.";
        }
    }

    private Task ToggleAsync((IReadOnlyList<string> Ids, bool On) change)
    {
        foreach (var id in change.Ids)
        {
            _ = change.On ? _selected.Add(id) : _selected.Remove(id);
        }

        // A plan is for one choice: a new choice needs a new pre-flight.
        _plan = null;
        return Task.CompletedTask;
    }

    private async Task AcceptAsync(bool accept)
    {
        _accept = accept;
        if (_plan is not null)
        {
            await PreflightAsync();
        }
    }

    // The acknowledgement is part of the pre-flight (its replication check passes with it), so it checks again.
    private async Task AcceptReplicationAsync(bool accept)
    {
        _acceptReplication = accept;
        if (_plan is not null)
        {
            await PreflightAsync();
        }
    }

    private async Task PreflightAsync()
    {
        _checking = true;
        try
        {
            _plan = await Restores.PreflightAsync(new PreflightRequest(_selected.ToList(), true, _accept, _acceptReplication), Disposing);
        }
        catch (Exception ex) when (ex is RestoreStepException or BackupItemException or IOException)
        {
            _plan = null;
            Snackbar.Add($"The pre-flight could not run: {ex.Message}", Severity.Error);
        }
        finally
        {
            _checking = false;
        }
    }

    private Task StartAsync(RestoreConsent consent) => SubmitAsync(new StartRestoreRequest(_selected.ToList(), consent.Typed?.Trim(), consent.SafetyBackup,
        consent.SafetyBackup ? null : consent.SkipReason?.Trim(), consent.AcceptUnverified ? true : null, _acceptReplication ? true : null));

    private Task RollbackAsync(StartRestoreRequest rollback) => SubmitAsync(rollback);

    private async Task SubmitAsync(StartRestoreRequest request)
    {
        var errors = RestoreService.Validate(request);
        if (errors.Count > 0)
        {
            Snackbar.Add(string.Join(" ", errors.Select(e => $"{e.Key} {string.Join(" ", e.Value)}")), Severity.Error);
            return;
        }

        _starting = true;
        try
        {
            var user = (await Auth.GetAuthenticationStateAsync()).User;
            var runId = await Restores.StartAsync(request, AuditLog.ActorOf(user), Disposing);
            Snackbar.Add($"Restore run {runId} queued.", Severity.Info);
            await ShowRunAsync(runId);
        }
        catch (RestoreRefusedException ex)
        {
            Snackbar.Add($"The restore was refused: {ex.Message}", Severity.Error);
        }
        finally
        {
            _starting = false;
        }
    }

    // The runner stops at its next step boundary or inside the running one; as after any failure,
    // maintenance stays on and the rollback to the safety backup is offered.
    private async Task CancelAsync(string runId)
    {
        var user = (await Auth.GetAuthenticationStateAsync()).User;
        if (await Cancels.RequestAsync(runId, RestoreRunner.Kind, AuditLog.ActorOf(user), Disposing))
        {
            Snackbar.Add("Stopping the restore: maintenance stays on, and the rollback to the safety backup is offered when it has stopped.", Severity.Warning);
        }
        else
        {
            Snackbar.Add("The restore had already finished.", Severity.Info);
        }
    }

    private async Task NewRestoreAsync()
    {
        (_run, _result, _plan, _accept, _acceptReplication) = (null, null, null, false, false);
        _selected.Clear();
        await LoadCatalogAsync();
    }
}
