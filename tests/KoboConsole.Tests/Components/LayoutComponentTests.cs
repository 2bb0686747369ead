using Bunit;
using KoboConsole.Web.Components.Layout;
using KoboConsole.Web.Components.Shared;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace KoboConsole.Tests.Components;

public sealed class LayoutComponentTests : MudComponentTest
{
    [Fact]
    public void NavMenu_Viewer_ShowsFeaturesButNotAdminPages()
    {
        Ctx.AddAuthorization().SetAuthorized("vera").SetRoles("viewer");

        var nav = Ctx.Render<NavMenu>();

        var links = nav.FindAll("a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal(["/", "/topology", "/maintenance", "/backups", "/logs", "/jobs", "/api-reference"], links);
    }

    [Fact]
    public void NavMenu_Admin_AlsoShowsRestoreAuditAndSettings()
    {
        Ctx.AddAuthorization().SetAuthorized("ada").SetRoles("admin").SetPolicies("admin");

        var nav = Ctx.Render<NavMenu>();

        var links = nav.FindAll("a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Contains("/audit", links);
        Assert.Contains("/settings", links);
        Assert.Contains("/restores", links);
        Assert.Contains("/admin/users", links);
        Assert.Contains("/admin/tokens", links);
    }

    [Fact]
    public void ComingSoon_RendersFeatureAndExplanation()
    {
        var cut = Ctx.Render<ComingSoon>(p => p
            .Add(c => c.Feature, "Backups")
            .AddChildContent("Streamed and verified."));

        Assert.Contains("Backups is coming in a later release", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("Streamed and verified.", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void AccountMenu_SignedIn_ShowsUserAndHasAPostLogoutFormWithToken()
    {
        Ctx.AddAuthorization().SetAuthorized("ops.jane").SetRoles("operator");
        var popovers = Ctx.Render<MudBlazor.MudPopoverProvider>();
        var cut = Ctx.Render<AccountMenu>();

        Assert.Contains("ops.jane", cut.Markup, StringComparison.Ordinal);
        cut.Find("[data-testid=account-chip]").Click();

        var form = popovers.Find("form");
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal("logout", form.GetAttribute("action"));
        Assert.Contains("Role: operator", popovers.Markup, StringComparison.Ordinal);
    }
}
