using Bunit;
using KoboConsole.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace KoboConsole.Tests.Components;

public sealed class ConfirmButtonTests : MudComponentTest
{
    private int _ran;

    [Fact]
    public void ConfirmButton_Clicked_AsksNamingWhatHappensAndDoesNothingYet()
    {
        var dialogs = Ctx.Render<MudDialogProvider>();
        var cut = RenderRevoke();

        cut.Find("button").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("Scripts using 'ci' get 401.", dialogs.Markup, StringComparison.Ordinal));
        Assert.Contains("Revoke token 'ci'?", dialogs.Markup, StringComparison.Ordinal);
        Assert.Equal(0, _ran);
    }

    [Fact]
    public void ConfirmButton_Cancelled_DoesNotRunTheAction()
    {
        var dialogs = Ctx.Render<MudDialogProvider>();
        var cut = RenderRevoke();
        cut.Find("button").Click();

        dialogs.WaitForElement("button:contains('Keep it')");
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Keep it").Click();

        dialogs.WaitForAssertion(() => Assert.DoesNotContain("Revoke token 'ci'?", dialogs.Markup, StringComparison.Ordinal));
        Assert.Equal(0, _ran);
    }

    [Fact]
    public void ConfirmButton_Confirmed_RunsTheActionOnce()
    {
        var dialogs = Ctx.Render<MudDialogProvider>();
        var cut = RenderRevoke();
        cut.Find("button").Click();

        dialogs.WaitForAssertion(() => Assert.Contains(dialogs.FindAll("button"), b => b.TextContent.Trim() == "Revoke it"));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Revoke it").Click();

        cut.WaitForAssertion(() => Assert.Equal(1, _ran));
    }

    [Fact]
    public void ConfirmButton_WithIcon_IsAnIconButtonNamedByItsLabel()
    {
        var cut = Ctx.Render<ConfirmButton>(p => p
            .Add(b => b.Label, "Delete schedule").Add(b => b.Icon, Icons.Material.Filled.Delete)
            .Add(b => b.Title, "Delete?").Add(b => b.Message, "Gone.").Add(b => b.YesText, "Delete"));

        Assert.Equal("Delete schedule", cut.Find("button").GetAttribute("aria-label"));
    }

    private IRenderedComponent<ConfirmButton> RenderRevoke() => Ctx.Render<ConfirmButton>(p => p
        .Add(b => b.Label, "Revoke")
        .Add(b => b.Title, "Revoke token 'ci'?")
        .Add(b => b.Message, "Scripts using 'ci' get 401.")
        .Add(b => b.YesText, "Revoke it")
        .Add(b => b.NoText, "Keep it")
        .Add(b => b.OnConfirmed, EventCallback.Factory.Create(this, () => _ran++)));
}
