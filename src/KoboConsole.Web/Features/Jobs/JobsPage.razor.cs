using System.Globalization;
using Microsoft.AspNetCore.Components;

namespace KoboConsole.Web.Features.Jobs;

public sealed partial class JobsPage
{
    internal const string All = "all";

    private readonly CancellationTokenSource _cts = new();
    private IReadOnlyList<JobEntry>? _entries;
    private string? _error;
    private string _kind = All;
    private string _state = All;
    private string _actor = "";
    private string _since = "7d";

    [Inject]
    private JobHistory History { get; set; } = null!;

    [Inject]
    private TimeProvider Time { get; set; } = null!;

    protected override Task OnInitializedAsync() => LoadAsync();

    private Task OnKindAsync(string v) => SetAsync(() => _kind = v);

    private Task OnStateAsync(string v) => SetAsync(() => _state = v);

    private Task OnActorAsync(string v) => SetAsync(() => _actor = v ?? "");

    private Task OnSinceAsync(string v) => SetAsync(() => _since = v);

    private Task SetAsync(Action set)
    {
        set();
        return LoadAsync();
    }

    private async Task LoadAsync()
    {
        var from = _since switch
        {
            "24h" => Time.GetUtcNow().AddHours(-24),
            "7d" => Time.GetUtcNow().AddDays(-7),
            "30d" => Time.GetUtcNow().AddDays(-30),
            _ => (DateTimeOffset?)null,
        };
        try
        {
            _entries = await History.ListAsync(new JobQuery
            {
                Kind = _kind == All ? null : _kind,
                State = _state == All ? null : _state,
                Actor = _actor,
                From = from,
            }, _cts.Token);
            _error = null;
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            _error = ex.Message;
        }
    }

    internal static string When(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    internal static string Duration(TimeSpan? d) => d switch
    {
        null => "no duration",
        { TotalSeconds: < 1 } => "under a second",
        { TotalMinutes: < 1 } v => $"{v.TotalSeconds:0} s",
        { TotalHours: < 1 } v => $"{(int)v.TotalMinutes} min {v.Seconds} s",
        { } v => $"{(int)v.TotalHours} h {v.Minutes} min",
    };

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }
}
