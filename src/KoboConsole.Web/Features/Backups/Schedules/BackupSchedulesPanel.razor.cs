using KoboConsole.Web.Features.Audit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace KoboConsole.Web.Features.Backups.Schedules;

public sealed partial class BackupSchedulesPanel
{
    private IReadOnlyList<BackupSchedule> _schedules = [];
    private IReadOnlyList<KoboSchedule> _offers = [];
    private IReadOnlyList<string> _stale = [];
    private string _cron = "0 2 * * *";
    private string _zone = "UTC";
    private BackupSchedule? _editing;

    /// <summary>The stores and target chosen in the page's start form.</summary>
    [Parameter, EditorRequired]
    public Func<(IReadOnlyList<string> Stores, string Target)> Selection { get; set; } = null!;

    [Inject] private BackupSchedules Schedules { get; set; } = null!;
    [Inject] private KoboScheduleImport Import { get; set; } = null!;
    [Inject] private BackupCatalog Catalog { get; set; } = null!;
    [Inject] private ScheduleEditor Editor { get; set; } = null!;
    [Inject] private ISnackbar Snackbar { get; set; } = null!;
    [Inject] private AuthenticationStateProvider Auth { get; set; } = null!;

    private string Preview => ScheduleRules.Problem(_cron, _zone) ?? ScheduleRules.Describe(_cron, _zone);

    protected override async Task OnInitializedAsync() => await LoadAsync();

    private async Task LoadAsync()
    {
        _schedules = await Schedules.ListAsync(CancellationToken.None);
        var found = await Import.FindAsync(CancellationToken.None);
        // Offer only what is not imported yet.
        _offers = found.Where(o => !_schedules.Any(s => s.Cron == o.Cron && s.Stores.Contains(o.Store))).ToList();
        try
        {
            _stale = Staleness.Warnings(_schedules, await Catalog.ListAsync(null, null, CancellationToken.None), DateTimeOffset.UtcNow);
        }
        catch (BackupItemException)
        {
            // The page's catalog shows why the target cannot be read.
            _stale = [];
        }
    }

    private Task AddAsync()
    {
        var (stores, target) = Selection();
        return SaveAsync(new ScheduleRequest(stores, target, _cron, _zone), "console");
    }

    private Task ImportAsync(KoboSchedule offer) => SaveAsync(new ScheduleRequest([offer.Store], BackupTargets.Disk, offer.Cron, "UTC"), $"imported from {offer.Variable}");

    private void Edit(BackupSchedule schedule) => (_editing, _cron, _zone) = (schedule, schedule.Cron, schedule.TimeZone);

    private void CancelEdit() => (_editing, _cron, _zone) = (null, "0 2 * * *", "UTC");

    private async Task SaveAsync(ScheduleRequest request, string source)
    {
        var actor = AuditLog.ActorOf((await Auth.GetAuthenticationStateAsync()).User);
        var (schedule, errors) = _editing is { } editing
            ? await Editor.UpdateAsync(editing.Id, request with { Stores = editing.Stores, Target = editing.Target }, actor, CancellationToken.None)
            : await Editor.CreateAsync(request, source, actor, CancellationToken.None);
        if (errors.Count > 0)
        {
            // The page's own words for the stores: they come from the form above.
            Snackbar.Add(errors.ContainsKey("stores") ? "Select at least one store in the form above." : errors.Values.First()[0], Severity.Error);
            return;
        }

        Snackbar.Add(schedule is null ? "The schedule was deleted meanwhile." : $"Scheduled: {ScheduleRules.Describe(schedule.Cron, schedule.TimeZone)}.",
            schedule is null ? Severity.Warning : Severity.Success);
        CancelEdit();
        await LoadAsync();
    }

    private async Task DeleteAsync(BackupSchedule schedule)
    {
        var deleted = await Editor.DeleteAsync(schedule.Id, AuditLog.ActorOf((await Auth.GetAuthenticationStateAsync()).User), CancellationToken.None);
        Snackbar.Add(deleted ? $"Schedule of {string.Join(", ", schedule.Stores)} deleted: it starts no more backups." : "The schedule was deleted meanwhile.",
            deleted ? Severity.Success : Severity.Info);
        await LoadAsync();
    }
}
