using Bunit;
using KoboConsole.Web.Features.Restores;
using KoboConsole.Web.Features.Restores.Wizard;

namespace KoboConsole.Tests.Features.Restores.Wizard;

public sealed class RestorePreflightPanelTests : MudComponentTest
{
    [Fact]
    public void Checks_OkWarningAndFail_EachShownWithItsMessage()
    {
        var cut = Ctx.Render<RestorePreflightPanel>(p => p.Add(c => c.Plan, WizardData.Plan(blockingFailure: true, backupDomain: "old.example.org")));

        var verdicts = cut.FindAll("[data-testid=check-verdict]").Select(v => v.TextContent).ToList();
        Assert.Equal(["ok", "fail", "warning"], verdicts);
        Assert.Contains("no running 'postgres' container", cut.FindAll("[data-testid=preflight-check]")[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("was made on old.example.org", cut.Find("[data-testid=domain-warning]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Pre-flight failed: 1 problem(s)", cut.Find("[data-testid=preflight-summary]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void UnverifiedBackup_AsksForTheExtraConfirmation()
    {
        bool? accepted = null;
        var cut = Ctx.Render<RestorePreflightPanel>(p => p
            .Add(c => c.Plan, WizardData.Plan(verified: false))
            .Add(c => c.AcceptUnverifiedChanged, (bool v) => accepted = v));

        Assert.Contains("no manifest", cut.Find("[data-testid=unverified-warning]").TextContent, StringComparison.Ordinal);
        cut.Find("input[data-testid=accept-unverified]").Change(true);

        Assert.True(accepted);
    }

    [Fact]
    public void RunningSecondary_ExplainsAndAsksForTheReplicationAcknowledgement()
    {
        bool? accepted = null;
        var plan = WizardData.Plan();
        var check = new PreflightCheck(ReplicationNotice.CheckName, false, true, "the restore writes into the primary kobobe-postgres-1 on main, which streams to the running secondary kobobe-postgres-1 on back2 (secondary: KOBO_POSTGRES_DB_SERVER_ROLE=secondary). ...");
        var cut = Ctx.Render<RestorePreflightPanel>(p => p
            .Add(c => c.Plan, plan with { Checks = [.. plan.Checks, check] })
            .Add(c => c.AcceptReplicationChanged, (bool v) => accepted = v));

        Assert.Contains("running secondary kobobe-postgres-1 on back2", cut.Find("[data-testid=replication-warning]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Pre-flight failed: 1 problem(s)", cut.Find("[data-testid=preflight-summary]").TextContent, StringComparison.Ordinal);
        cut.Find("input[data-testid=accept-replication]").Change(true);

        Assert.True(accepted);
    }

    [Fact]
    public void VerifiedBackup_NoExtraConfirmation()
    {
        var cut = Ctx.Render<RestorePreflightPanel>(p => p.Add(c => c.Plan, WizardData.Plan()));

        Assert.Empty(cut.FindAll("[data-testid=unverified-warning]"));
        Assert.Empty(cut.FindAll("[data-testid=replication-warning]"));
        Assert.Contains("Pre-flight passed.", cut.Find("[data-testid=preflight-summary]").TextContent, StringComparison.Ordinal);
    }
}
