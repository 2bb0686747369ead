using KoboConsole.Web.Features.Checks;
using KoboConsole.Web.Features.Maintenance;

namespace KoboConsole.Tests.Features.Checks;

public sealed class MutingTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 2, 30, 0, TimeSpan.Zero);
    private static readonly CheckResult Redis = new(CheckKinds.Probe, "kobobe-redis_main-1", CheckStates.Failing, "down");
    private static readonly CheckResult Kpi = new(CheckKinds.Http, "kpi", CheckStates.Failing, "down");
    private static readonly CheckResult Nginx = new(CheckKinds.Container, "kobofe-nginx-1", CheckStates.Failing, "exited");

    private static MaintenanceWindow Window(string state, int startHour, int endHour) =>
        new("w1", Now.Date.AddHours(startHour), Now.Date.AddHours(endHour), "2 hours", null, state, "jane", null);

    [Fact]
    public void Reason_WindowRunning_MutesEveryServiceCheckAndNamesTheWindow()
    {
        var reason = Muting.Reason(Redis, "redis_main", "off", [Window(MaintenanceWindows.Active, 2, 4)], Now);

        Assert.Equal("maintenance window w1 (2026-12-07 02:00 to 04:00 UTC)", reason);
    }

    [Fact]
    public void Reason_WindowOver_DoesNotMute() =>
        Assert.Null(Muting.Reason(Redis, "redis_main", "off", [Window(MaintenanceWindows.Active, 0, 2)], Now));

    [Fact]
    public void Reason_MaintenancePageOn_MutesTheSiteAndNginxOnly()
    {
        Assert.Equal("the maintenance page is on", Muting.Reason(Kpi, "nginx", "on", [], Now));
        Assert.Equal("the maintenance page is on", Muting.Reason(Nginx, "nginx", "on", [], Now));
        Assert.Null(Muting.Reason(Redis, "redis_main", "on", [], Now));
    }

    [Fact]
    public void Reason_DataCheckDuringWindow_NeverMuted() =>
        Assert.Null(Muting.Reason(new CheckResult(CheckKinds.BackupAge, "postgres@disk", CheckStates.Failing, "stale"), null, "on", [Window(MaintenanceWindows.Active, 2, 4)], Now));

    [Fact]
    public void Reason_MaintenanceOff_NothingMuted() =>
        Assert.Null(Muting.Reason(Kpi, "nginx", "off", [], Now));
}
