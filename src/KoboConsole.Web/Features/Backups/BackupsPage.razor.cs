using System.Globalization;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace KoboConsole.Web.Features.Backups;

/// <summary>Start a backup, follow it live, cancel it; the history, the catalog and sizes over time.</summary>
public sealed partial class BackupsPage
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly HashSet<string> _selected = [.. BackupStores.All];
    private string _target = BackupTargets.Disk;
    private bool _starting;
    private bool _testingS3;
    private string _diskRoot = "…";
    private DateTimeOffset _now = DateTimeOffset.UtcNow;
    private IReadOnlyList<RunView> _runs = [];
    private IReadOnlyList<BackupEntry>? _catalog;
    private string? _catalogError;
    private string? _diskProblem;
    private string[] _chartLabels = [];
    private string _chartUnit = "MB";
    private List<ChartSeries<double>> _chartSeries = [];
    private readonly HashSet<string> _followed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dismissed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _endedSeen = new(StringComparer.Ordinal);

    [Inject] private RunStore Runs { get; set; } = null!;
    [Inject] private RunWatch Watch { get; set; } = null!;
    [Inject] private RunCancelRequests Cancels { get; set; } = null!;
    [Inject] private BackupService Backups { get; set; } = null!;
    [Inject] private BackupCatalog Catalog { get; set; } = null!;
    [Inject] private BackupTargetResolver Targets { get; set; } = null!;
    [Inject] private ISnackbar Snackbar { get; set; } = null!;
    [Inject] private AuthenticationStateProvider Auth { get; set; } = null!;

    public static string StoreLabel(string store) => store switch
    {
        BackupStores.Postgres => "PostgreSQL",
        BackupStores.Mongo => "MongoDB",
        BackupStores.Redis => "Redis (redis_main)",
        _ => "Media",
    };

    /// <summary>Runs under way, and those that ended while this page was open (their card says how) until dismissed.</summary>
    private IEnumerable<RunView> Cards => _runs.Where(r => !RunStates.IsFinished(r.State) || (_followed.Contains(r.Id) && !_dismissed.Contains(r.Id)));

    protected override async Task OnInitializedAsync()
    {
        await LoadRunsAsync();
        await LoadCatalogAsync();
        try
        {
            _diskProblem = await Targets.DiskProblemAsync(Disposing);
        }
        catch (DockerException)
        {
            // A host that does not answer: the backup run checks again and says so.
        }

        // Runs started anywhere (here, the API, a schedule, another instance) appear live; a prerender does not follow.
        Follow(Watch.Of(BackupRunner.Kind), RefreshAsync);
    }

    private async Task RefreshAsync()
    {
        if (await LoadRunsAsync())
        {
            await LoadCatalogAsync();
        }
    }

    /// <summary>Reads the history; true when a run this page followed has ended since (its backups are in the catalog now).</summary>
    private async Task<bool> LoadRunsAsync()
    {
        _runs = await Runs.ListAsync(BackupRunner.Kind, 20, Disposing);
        _now = DateTimeOffset.UtcNow;
        var ended = false;
        foreach (var run in _runs)
        {
            if (!RunStates.IsFinished(run.State))
            {
                _followed.Add(run.Id);
            }
            else if (_followed.Contains(run.Id) && !_dismissed.Contains(run.Id) && _endedSeen.Add(run.Id))
            {
                ended = true;
            }
        }

        return ended;
    }

    private void Toggle(string store, bool on)
    {
        if (on)
        {
            _selected.Add(store);
        }
        else
        {
            _selected.Remove(store);
        }
    }

    private async Task StartAsync()
    {
        _starting = true;
        try
        {
            var user = (await Auth.GetAuthenticationStateAsync()).User;
            var request = new StartBackupRequest(BackupStores.All.Where(_selected.Contains).ToList(), _target);
            var errors = BackupService.Validate(request, Targets.S3Configured);
            if (errors.Count > 0)
            {
                Snackbar.Add(string.Join(" ", errors.Select(e => $"{e.Key} {string.Join(" ", e.Value)}")), Severity.Error);
                return;
            }

            var runId = await Backups.StartAsync(request, AuditLog.ActorOf(user), Disposing);
            Snackbar.Add($"Backup run {runId} queued.", Severity.Info);
            await LoadRunsAsync();
        }
        catch (BackupItemException ex)
        {
            Snackbar.Add(ex.Message, Severity.Warning);
        }
        finally
        {
            _starting = false;
        }
    }

    private async Task CancelAsync(string runId)
    {
        var user = (await Auth.GetAuthenticationStateAsync()).User;
        if (await Cancels.RequestAsync(runId, BackupRunner.Kind, AuditLog.ActorOf(user), Disposing))
        {
            Snackbar.Add("Cancelling: incomplete files are removed.", Severity.Warning);
        }
        else
        {
            Snackbar.Add("The run had already finished.", Severity.Info);
        }
    }

    private async Task TestS3Async()
    {
        _testingS3 = true;
        try
        {
            using var target = (S3Target)await Targets.GetAsync(BackupTargets.S3, Disposing);
            await target.ProbeAsync(Disposing);
            Snackbar.Add($"S3 works: a probe object was put, read back and deleted in {target.Store.Description}.", Severity.Success);
        }
        catch (BackupItemException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
        finally
        {
            _testingS3 = false;
        }
    }

    private async Task LoadCatalogAsync()
    {
        try
        {
            _diskRoot = await Targets.DiskRootAsync(Disposing);
            _catalog = await Catalog.ListAsync(null, null, Disposing);
            _catalogError = null;
            (_chartLabels, _chartSeries, _chartUnit) = SizeChart(_catalog);
        }
        catch (Exception ex) when (ex is BackupItemException or IOException or UnauthorizedAccessException)
        {
            _catalog = [];
            _catalogError = $"The catalog could not be read: {ex.Message} Check KoboConsole:Backups:Directory.";
        }
    }

    /// <summary>
    /// One bar per store per backup time (minute), the store's files summed, for the last 12 times,
    /// in the unit that suits the largest bar (B, KB, MB or GB): in MB alone a backup of a few KB
    /// rounded to an empty chart.
    /// </summary>
    internal static (string[] Labels, List<ChartSeries<double>> Series, string Unit) SizeChart(IReadOnlyList<BackupEntry> entries)
    {
        static DateTimeOffset Minute(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, TimeSpan.Zero);
        var times = entries.Select(e => Minute(e.CreatedAt)).Distinct().Order().TakeLast(12).ToList();
        var stores = entries.Select(e => e.Store).Distinct().Order(StringComparer.Ordinal).ToList();
        var sums = stores.ToDictionary(store => store, store => times.Select(t => entries.Where(e => e.Store == store && Minute(e.CreatedAt) == t).Sum(e => e.SizeBytes)).ToArray(), StringComparer.Ordinal);
        var largest = sums.Values.SelectMany(v => v).DefaultIfEmpty(0).Max();
        var (unit, divisor) = largest switch
        {
            >= 1L << 30 => ("GB", 1073741824.0),
            >= 1L << 20 => ("MB", 1048576.0),
            >= 1L << 10 => ("KB", 1024.0),
            _ => ("B", 1.0),
        };
        var series = stores.Select(store => new ChartSeries<double>
        {
            Name = StoreLabel(store),
            Data = sums[store].Select(b => Math.Round(b / divisor, 3)).ToArray(),
        }).ToList();
        return (times.Select(t => t.ToString("MM-dd HH:mm", Inv)).ToArray(), series, unit);
    }
}
