using Bunit;
using KoboConsole.Tests.Features.Runs;
using KoboConsole.Web.Features.Maintenance;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace KoboConsole.Tests.Features.Maintenance;

/// <summary>Cancelling a scheduled window asks first, naming what will not happen, on a real SQLite database.</summary>
public sealed class MaintenanceWindowListTests : MudComponentTest
{
    private readonly RunDatabase _db = new(new MaintenanceMigrations());
    private MaintenanceWindows _windows = null!;

    public override async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        _windows = new MaintenanceWindows(_db.Db, new RecordingJobs(), _db.Audit, _db.Time);
        Ctx.Services.AddSingleton(_windows);
        Ctx.Services.AddSingleton<TimeProvider>(_db.Time);
        Ctx.AddAuthorization().SetAuthorized("ops.jane").SetRoles("operator");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task CancelWindow_KeptThenConfirmed_CancelsOnlyAfterTheConfirmation()
    {
        var start = _db.Time.GetUtcNow().AddDays(2);
        var (window, errors) = await _windows.CreateAsync(new WindowRequest(new DateTimeOffset(start.Year, start.Month, start.Day, 2, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(start.Year, start.Month, start.Day, 3, 0, 0, TimeSpan.Zero)), "ops.jane", CancellationToken.None);
        Assert.Empty(errors);
        var dialogs = Ctx.Render<MudDialogProvider>();
        var list = Ctx.Render<MaintenanceWindowList>();
        list.WaitForAssertion(() => Assert.Single(list.FindAll("[data-testid=window-row]")));

        list.Find("[data-testid=window-cancel]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains($"Maintenance will not turn on at {window!.Start:yyyy-MM-dd} 02:00 UTC nor off at {window.End:yyyy-MM-dd} 03:00 UTC.",
            dialogs.Markup, StringComparison.Ordinal));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Keep it").Click();
        dialogs.WaitForAssertion(() => Assert.DoesNotContain("Cancel this maintenance window?", dialogs.Markup, StringComparison.Ordinal));
        Assert.Single(await _windows.ListOpenAsync(CancellationToken.None));

        list.Find("[data-testid=window-cancel]").Click();
        dialogs.WaitForElement("button:contains('Cancel the window')").Click();

        list.WaitForAssertion(() => Assert.Empty(list.FindAll("[data-testid=window-row]")));
        Assert.Empty(await _windows.ListOpenAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("2030-01-05 04:00", "2030-01-05 03:00", "end", "the end must be after the start.")]
    [InlineData("2030-01-05 2:00 PM", "2030-01-05 16:00", "start", "write it as yyyy-MM-dd HH:mm in UTC, 24-hour")]
    public async Task Schedule_BadTimes_TheFieldSaysWhatIsWrongInPlainWords(string start, string end, string field, string message)
    {
        var list = Ctx.Render<MaintenanceWindowList>();
        list.WaitForAssertion(() => list.Find("[data-testid=window-start]"));

        list.Find("[data-testid=window-start]").Change(start);
        list.Find("[data-testid=window-end]").Change(end);
        list.FindAll("button").Single(b => b.TextContent.Trim() == "Schedule").Click();

        list.WaitForAssertion(() =>
            Assert.Contains(message, list.FindAll(".mud-input-control").Single(c => c.QuerySelector($"[data-testid=window-{field}]") is not null).TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain("ISO 8601", list.Markup, StringComparison.Ordinal);
        Assert.Empty(await _windows.ListOpenAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Schedule_TwentyFourHourTimes_SchedulesTheWindow()
    {
        var list = Ctx.Render<MaintenanceWindowList>();
        list.WaitForAssertion(() => list.Find("[data-testid=window-start]"));

        list.Find("[data-testid=window-start]").Change("2030-01-05 14:30");
        list.Find("[data-testid=window-end]").Change("2030-01-05 16:00");
        list.FindAll("button").Single(b => b.TextContent.Trim() == "Schedule").Click();

        list.WaitForAssertion(() => Assert.Single(list.FindAll("[data-testid=window-row]")));
        var window = Assert.Single(await _windows.ListOpenAsync(CancellationToken.None));
        Assert.Equal(new DateTimeOffset(2030, 1, 5, 14, 30, 0, TimeSpan.Zero), window.Start);
        Assert.Equal("1.5 hours", window.Eta);
    }
}
