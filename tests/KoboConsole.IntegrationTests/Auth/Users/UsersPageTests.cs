using Bunit;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Auth.Users;
using MudBlazor;

namespace KoboConsole.IntegrationTests.Auth.Users;

public sealed class UsersPageTests : AdminPageContext
{
    [Fact]
    public async Task Create_ValidOperator_IsListedStoredAndAuditedWithoutThePassword()
    {
        var page = Ctx.Render<UsersPage>();
        page.WaitForElement("[data-testid=user-name]");

        page.Find("input[data-testid=new-username]").Change("olga");
        page.Find("input[data-testid=new-password]").Change("password-of-olga");
        await SelectRoleAsync(page, "operator");
        page.Find("[data-testid=user-create-button]").Click();

        page.WaitForAssertion(() => Assert.Contains(page.FindAll("[data-testid=user-name]"), e => e.TextContent == "olga"));
        var stored = (await Users.ListAsync(CancellationToken.None)).Single(u => u.Username == "olga");
        Assert.Equal("operator", stored.Role);
        var entry = (await Audit.QueryAsync(new AuditQuery { Action = "user.create" }, CancellationToken.None))[0];
        Assert.Equal(("admin", "olga", "succeeded"), (entry.Actor, entry.Target, entry.Outcome));
        Assert.DoesNotContain("password-of-olga", entry.Details ?? "", StringComparison.Ordinal);
        Assert.Contains(Snackbar.ShownSnackbars, s => s.Severity == Severity.Success);
    }

    [Fact]
    public async Task Create_ShortPassword_ShowsWhatToFixAndStoresNothing()
    {
        var page = Ctx.Render<UsersPage>();
        page.WaitForElement("[data-testid=user-name]");

        page.Find("input[data-testid=new-username]").Change("shorty");
        page.Find("input[data-testid=new-password]").Change("short");
        page.Find("[data-testid=user-create-button]").Click();

        // The error is on the password field itself.
        page.WaitForAssertion(() => Assert.Contains(page.FindAll(".mud-input-control"),
            c => c.QuerySelector("[data-testid=new-password]") is not null
                && c.QuerySelector(".mud-input-error") is not null
                && c.TextContent.Contains("Must be at least", StringComparison.Ordinal)));
        Assert.DoesNotContain(await Users.ListAsync(CancellationToken.None), u => u.Username == "shorty");
    }

    [Fact]
    public async Task Disable_Themselves_IsRefusedAndTheAdminStaysEnabled()
    {
        var dialogs = Ctx.Render<MudDialogProvider>();
        var page = Ctx.Render<UsersPage>();
        page.WaitForElement("[data-testid=toggle-admin]");

        page.Find("[data-testid=toggle-admin]").Click();
        Confirm(dialogs, "Disable admin?", "Disable");

        page.WaitForAssertion(() => Assert.Contains(Snackbar.ShownSnackbars, s => s.Severity == Severity.Error && (s.Message ?? "").Contains("Cannot disable yourself", StringComparison.Ordinal)));
        Assert.False((await Users.ListAsync(CancellationToken.None)).Single(u => u.Username == "admin").Disabled);
        Assert.Contains("enabled", page.Find("[data-testid=status-admin]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisableThenResetPassword_OtherUser_ChangesStateAndEndsSessions()
    {
        var (bob, _) = await Users.CreateAsync("bob", "password-of-bob", "viewer", CancellationToken.None);
        var dialogs = Ctx.Render<MudDialogProvider>();
        var page = Ctx.Render<UsersPage>();
        page.WaitForElement("[data-testid=toggle-bob]");

        page.Find("[data-testid=toggle-bob]").Click();
        Confirm(dialogs, "Disable bob?", "Disable");
        page.WaitForAssertion(() => Assert.Contains("disabled", page.Find("[data-testid=status-bob]").TextContent, StringComparison.Ordinal));
        page.Find("[data-testid=reset-bob]").Click();
        page.WaitForElement("input[data-testid=reset-password]").Change("new-password-of-bob");
        page.Find("[data-testid=reset-save]").Click();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=password-reset]")));

        var after = (await Users.ListAsync(CancellationToken.None)).Single(u => u.Username == "bob");
        Assert.True(after.Disabled);
        Assert.NotEqual(bob!.SecurityStamp, after.SecurityStamp);
        var actions = (await Audit.QueryAsync(new AuditQuery { Action = "user.update" }, CancellationToken.None)).Select(e => e.Details).ToList();
        Assert.Equal(["password reset", "disabled"], actions);
    }

    /// <summary>Disabling asks first: waits for the question, then answers yes.</summary>
    private static void Confirm(IRenderedComponent<MudDialogProvider> dialogs, string title, string yes)
    {
        dialogs.WaitForAssertion(() => Assert.Contains(title, dialogs.Markup, StringComparison.Ordinal));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == yes).Click();
    }

    private static async Task SelectRoleAsync(IRenderedComponent<UsersPage> page, string role)
    {
        var select = page.FindComponents<MudSelect<string>>().First(s => s.Instance.Label == "Role");
        await select.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(role));
    }
}
