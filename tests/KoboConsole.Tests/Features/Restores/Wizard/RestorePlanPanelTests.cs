using Bunit;
using KoboConsole.Web.Features.Restores;
using KoboConsole.Web.Features.Restores.Wizard;

namespace KoboConsole.Tests.Features.Restores.Wizard;

public sealed class RestorePlanPanelTests : MudComponentTest
{
    private RestoreConsent? _started;

    private IRenderedComponent<RestorePlanPanel> Render(RestorePlan plan, bool acceptUnverified = false) =>
        Ctx.Render<RestorePlanPanel>(p => p
            .Add(c => c.Plan, plan)
            .Add(c => c.AcceptUnverified, acceptUnverified)
            .Add(c => c.OnStart, (RestoreConsent c) => _started = c));

    private static bool RestoreDisabled(IRenderedComponent<RestorePlanPanel> cut) =>
        cut.Find("[data-testid=restore-start]").HasAttribute("disabled");

    [Fact]
    public void RestoreButton_NothingTyped_IsDisabledAndSaysWhatToType()
    {
        var cut = Render(WizardData.Plan());

        Assert.True(RestoreDisabled(cut));
        Assert.Equal($"Type {WizardData.Domain} to confirm.", cut.Find("[data-testid=restore-blocked]").TextContent);
    }

    [Fact]
    public void RestoreButton_WrongDomainTyped_StaysDisabled()
    {
        var cut = Render(WizardData.Plan());

        cut.Find("input[data-testid=confirm-phrase]").Input("kobo.example.com");

        Assert.True(RestoreDisabled(cut));
    }

    [Fact]
    public void RestoreButton_DomainTyped_EnabledAndStartsWithTheConsent()
    {
        var cut = Render(WizardData.Plan());

        cut.Find("input[data-testid=confirm-phrase]").Input(" KOBO.example.org ");
        Assert.False(RestoreDisabled(cut));
        cut.Find("[data-testid=restore-start]").Click();

        Assert.NotNull(_started);
        Assert.Equal(" KOBO.example.org ", _started.Typed);
        Assert.True(_started.SafetyBackup);
    }

    [Fact]
    public void RestoreButton_SafetyBackupOff_NeedsAReasonOfTenCharacters()
    {
        var cut = Render(WizardData.Plan());
        cut.Find("input[data-testid=confirm-phrase]").Input(WizardData.Domain);

        cut.Find("input[data-testid=safety-switch]").Change(false);
        Assert.True(RestoreDisabled(cut));
        Assert.Contains("Say why the safety backup is skipped", cut.Find("[data-testid=restore-blocked]").TextContent, StringComparison.Ordinal);
        cut.Find("input[data-testid=skip-reason]").Input("too short");
        Assert.True(RestoreDisabled(cut));
        cut.Find("input[data-testid=skip-reason]").Input("the disk is full; a copy is on S3");
        Assert.False(RestoreDisabled(cut));
        cut.Find("[data-testid=restore-start]").Click();

        Assert.False(_started!.SafetyBackup);
        Assert.Equal("the disk is full; a copy is on S3", _started.SkipReason);
    }

    [Fact]
    public void RestoreButton_UnverifiedBackupNotAccepted_StaysDisabledEvenWithTheDomain()
    {
        var cut = Render(WizardData.Plan(verified: false));

        cut.Find("input[data-testid=confirm-phrase]").Input(WizardData.Domain);

        Assert.True(RestoreDisabled(cut));
        Assert.Contains("cannot be verified", cut.Find("[data-testid=restore-blocked]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void RestoreButton_UnverifiedBackupAccepted_Enabled()
    {
        var cut = Render(WizardData.Plan(verified: false), acceptUnverified: true);

        cut.Find("input[data-testid=confirm-phrase]").Input(WizardData.Domain);

        Assert.False(RestoreDisabled(cut));
    }

    [Fact]
    public void RestoreButton_PreflightFailed_StaysDisabledEvenWithTheDomain()
    {
        var cut = Render(WizardData.Plan(blockingFailure: true));

        cut.Find("input[data-testid=confirm-phrase]").Input(WizardData.Domain);

        Assert.True(RestoreDisabled(cut));
        Assert.Contains("pre-flight found problems", cut.Find("[data-testid=restore-blocked]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_ShowsWhatIsOverwrittenAndTheWritersStopped()
    {
        var cut = Render(WizardData.Plan());

        var row = cut.Find("[data-testid=plan-item]").TextContent;
        Assert.Contains("the current postgres koboform", row, StringComparison.Ordinal);
        Assert.Contains("kobo-postgres is running on Docker host local.", row, StringComparison.Ordinal);
        Assert.Contains("kobo-kpi, kobo-worker", cut.Markup, StringComparison.Ordinal);
    }
}
