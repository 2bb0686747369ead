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

    /// <summary>The stores and target chosen in the page's start form.</summary>
    [Parameter, EditorRequired]
    public Func<(IReadOnlyList<string> Stores, string Target)> Selection { get; set; } = null!;

    [Inject] private BackupSchedules Schedules { get; set; } = null!;
    [Inject] private KoboScheduleImport Import { get; set; } = null!;
    [Inject] private BackupCatalog Catalog { get; set; } = null!;
    [Inject] private AuditLog Audit { get; set; } = null!;
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
        return SaveAsync(stores, target, _cron, _zone, "console");
    }

    private Task ImportAsync(KoboSchedule offer) => SaveAsync([offer.Store], BackupTargets.Disk, offer.Cron, "UTC", $"imported from {offer.Variable}");

    private async Task SaveAsync(IReadOnlyList<string> stores, string target, string cron, string zone, string source)
    {
        if (ScheduleRules.Problem(cron, zone) is { } problem)
        {
            Snackbar.Add(problem, Severity.Error);
            return;
        }

        if (stores.Count == 0)
        {
            Snackbar.Add("Select at least one store in the form above.", Severity.Error);
            return;
        }

        var schedule = await Schedules.AddAsync(stores, target, cron, zone, source, CancellationToken.None);
        var actor = AuditLog.ActorOf((await Auth.GetAuthenticationStateAsync()).User);
        await Audit.WriteAsync(actor, "backup.schedule.add", $"schedule {schedule.Id}", "saved", $"{string.Join(", ", stores)} to {target}, {cron} {zone}");
        Snackbar.Add($"Scheduled: {ScheduleRules.Describe(cron, zone)}.", Severity.Success);
        await LoadAsync();
    }

    private async Task DeleteAsync(string id)
    {
        await Schedules.DeleteAsync(id, CancellationToken.None);
        var actor = AuditLog.ActorOf((await Auth.GetAuthenticationStateAsync()).User);
        await Audit.WriteAsync(actor, "backup.schedule.delete", $"schedule {id}", "deleted");
        await LoadAsync();
    }
}
