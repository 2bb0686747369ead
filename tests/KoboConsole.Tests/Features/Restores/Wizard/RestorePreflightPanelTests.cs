using Bunit;
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
    public void VerifiedBackup_NoExtraConfirmation()
    {
        var cut = Ctx.Render<RestorePreflightPanel>(p => p.Add(c => c.Plan, WizardData.Plan()));

        Assert.Empty(cut.FindAll("[data-testid=unverified-warning]"));
        Assert.Contains("Pre-flight passed.", cut.Find("[data-testid=preflight-summary]").TextContent, StringComparison.Ordinal);
    }
}
