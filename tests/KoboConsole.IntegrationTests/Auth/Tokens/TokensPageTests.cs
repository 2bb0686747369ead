using Bunit;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Auth;
using KoboConsole.Web.Features.Auth.Tokens;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace KoboConsole.IntegrationTests.Auth.Tokens;

public sealed class TokensPageTests : AdminPageContext
{
    private ApiTokenService Tokens => App.Services.GetRequiredService<ApiTokenService>();

    [Fact]
    public async Task Create_ForSelf_ShowsTheTokenOnceAndItWorks()
    {
        var page = Ctx.Render<TokensPage>();

        page.Find("input[data-testid=token-name]").Change("upgrade pipeline");
        page.Find("[data-testid=token-create-button]").Click();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=token-value]")));
        var token = page.Find("[data-testid=token-value]").TextContent.Trim();
        var found = await Tokens.ValidateAsync(token, CancellationToken.None);
        Assert.Equal(("admin", "upgrade pipeline"), (found!.Value.User.Username, found.Value.TokenName));
        Assert.Contains(page.FindAll("[data-testid=token-row-name]"), e => e.TextContent == "upgrade pipeline");
        // Shown once: a fresh render of the page lists the token but not its value.
        var again = Ctx.Render<TokensPage>();
        Assert.Empty(again.FindAll("[data-testid=token-value]"));
        Assert.DoesNotContain(token, again.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_NameWithMarkup_IsRefusedWithWhatToDo()
    {
        var page = Ctx.Render<TokensPage>();

        page.Find("input[data-testid=token-name]").Change("<b>x</b>");
        page.Find("[data-testid=token-create-button]").Click();

        page.WaitForAssertion(() => Assert.Contains(Snackbar.ShownSnackbars, s => (s.Message ?? "").StartsWith("Name:", StringComparison.Ordinal)));
        Assert.Empty(await Tokens.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Revoke_ActiveToken_StopsItAndAudits()
    {
        var user = (await Users.ListAsync(CancellationToken.None)).Single(u => u.Username == "admin");
        var token = await Tokens.CreateAsync(user, "cron check", CancellationToken.None);
        var id = (await Tokens.ListAsync(CancellationToken.None)).Single().Id;
        var dialogs = Ctx.Render<MudDialogProvider>();
        var page = Ctx.Render<TokensPage>();
        page.WaitForElement($"[data-testid=revoke-{id}]");

        page.Find($"[data-testid=revoke-{id}]").Click();
        // Revoking asks first, naming the token.
        dialogs.WaitForAssertion(() => Assert.Contains("Revoke token 'cron check'?", dialogs.Markup, StringComparison.Ordinal));
        Assert.NotNull(await Tokens.ValidateAsync(token, CancellationToken.None));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Revoke").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll($"[data-testid=revoke-{id}]")));
        Assert.Null(await Tokens.ValidateAsync(token, CancellationToken.None));
        var entry = (await Audit.QueryAsync(new AuditQuery { Action = "token.revoke" }, CancellationToken.None)).Single();
        Assert.Equal(("admin", "cron check of admin", "succeeded"), (entry.Actor, entry.Target, entry.Outcome));
        Assert.NotNull(entry.DurationMs);
    }
}
