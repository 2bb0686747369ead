using KoboConsole.Web.Features.Checks;

namespace KoboConsole.Tests.Features.Checks;

public sealed class CheckAlertsTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 3, 0, 0, TimeSpan.Zero);

    private static AppliedChange Change(string state, string? previous, string? mutedBy = null, string? previousMutedBy = null) =>
        new(new CheckChange(1, CheckKinds.Probe, "kobobe-redis_main-1", state, "redis_main does not answer", At, mutedBy), previous, previousMutedBy, null);

    [Theory]
    [InlineData(CheckStates.Failing, CheckStates.Ok, "check.failing")]
    [InlineData(CheckStates.Failing, null, "check.failing")]
    [InlineData(CheckStates.Warning, CheckStates.Ok, "check.warning")]
    [InlineData(CheckStates.Ok, CheckStates.Failing, "check.recovered")]
    [InlineData(CheckStates.Ok, CheckStates.Warning, "check.recovered")]
    public void For_StateChange_Event(string state, string? previous, string expected) =>
        Assert.Equal(expected, CheckAlerts.For(Change(state, previous), "kobo.example.org", null)?.Event);

    [Theory]
    [InlineData(CheckStates.Ok, null)]
    [InlineData(CheckStates.Ok, CheckStates.Unknown)]
    [InlineData(CheckStates.Unknown, CheckStates.Ok)]
    public void For_NothingWorthTelling_NoAlert(string state, string? previous) =>
        Assert.Null(CheckAlerts.For(Change(state, previous), null, null));

    [Fact]
    public void For_MutedFailure_NoAlert() =>
        Assert.Null(CheckAlerts.For(Change(CheckStates.Failing, CheckStates.Ok, mutedBy: "maintenance window w1"), null, null));

    [Fact]
    public void For_RecoveredWhileMuted_NoRecoveredAlert() =>
        Assert.Null(CheckAlerts.For(Change(CheckStates.Ok, CheckStates.Failing, previousMutedBy: "maintenance window w1"), null, null));

    [Fact]
    public void For_StillFailingWhenMaintenanceEnds_AlertsFailing() =>
        Assert.Equal("check.failing", CheckAlerts.For(Change(CheckStates.Failing, CheckStates.Failing, previousMutedBy: "maintenance window w1"), null, null)?.Event);

    [Fact]
    public void For_Alert_NamesInstallCheckAndLink()
    {
        var alert = CheckAlerts.For(Change(CheckStates.Failing, CheckStates.Ok), "kobo.example.org", "https://console.example.org/")!;

        Assert.Equal(("kobo.example.org", CheckKinds.Probe, "kobobe-redis_main-1", CheckStates.Failing, At), (alert.Install, alert.Check, alert.Target, alert.State, alert.Since));
        Assert.Equal("https://console.example.org/?check=probe%3Akobobe-redis_main-1", alert.Url);
    }
}
