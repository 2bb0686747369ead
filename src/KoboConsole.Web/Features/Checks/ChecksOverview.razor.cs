using System.Data.Common;
using System.Globalization;
using KoboConsole.Web.Infrastructure.Live;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace KoboConsole.Web.Features.Checks;

public sealed partial class ChecksOverview
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly (string Label, int Hours)[] Ranges = [("24 h", 24), ("7 d", 24 * 7), ("30 d", 24 * 30)];
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(15);
    private CheckOverview? _overview;
    private DateTimeOffset _now;
    private int _hours = 24;
    private string? _error;
    private int _loading;

    [Inject]
    private CheckStore Store { get; set; } = null!;

    [Inject]
    private TimeProvider Time { get; set; } = null!;

    [Inject]
    private IOptionsMonitor<ChecksOptions> Options { get; set; } = null!;

    private int ServiceSeconds => Options.CurrentValue.ServiceIntervalSeconds;

    private string RangeLabel => Ranges.First(r => r.Hours == _hours).Label;

    private Severity SummarySeverity => _overview!.Failing > 0 ? Severity.Error : _overview.Warnings > 0 ? Severity.Warning : Severity.Success;

    private string Summary
    {
        get
        {
            var checks = _overview!.Groups.Sum(g => g.Rows.Count);
            var last = _overview.Groups.SelectMany(g => g.Rows).Max(r => r.Status.CheckedAt);
            var when = $"last checked {last.ToString("HH:mm:ss", Inv)} UTC";
            return _overview.Failing == 0 && _overview.Warnings == 0
                ? $"kobo is OK: all {checks} checks pass or are muted by maintenance ({when})."
                : $"{_overview.Failing} failing, {_overview.Warnings} warning(s) of {checks} checks ({when}). Each says what to do below.";
        }
    }

    protected override async Task OnInitializedAsync()
    {
        await LoadAsync();
        // The checks are written by whichever console instance leads them: read the table again every Refresh.
        Follow(new TickFeed(Refresh, Time), LoadAsync);
    }

    private async Task SetRangeAsync(int hours)
    {
        _hours = hours;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        if (Disposing.IsCancellationRequested || Interlocked.Exchange(ref _loading, 1) == 1)
        {
            return;
        }

        try
        {
            _now = Time.GetUtcNow();
            var from = _now.AddHours(-_hours);
            var statuses = await Store.ListAsync(Disposing);
            var history = await Store.HistoryAsync(null, null, from, _now, Disposing);
            _overview = CheckOverview.Build(statuses, history, from, _now);
            _error = null;
        }
        catch (OperationCanceledException)
        {
            // The page closed.
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException)
        {
            _error = $"The check states cannot be read from the console's database: {ex.Message}";
        }
        finally
        {
            Interlocked.Exchange(ref _loading, 0);
        }
    }
}
