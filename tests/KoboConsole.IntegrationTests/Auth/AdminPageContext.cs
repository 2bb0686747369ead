using System.Security.Claims;
using Bunit;
using KoboConsole.IntegrationTests.Security;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Auth;
using KoboConsole.Web.Features.Auth.Tokens;
using KoboConsole.Web.Features.Auth.Users;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace KoboConsole.IntegrationTests.Auth;

/// <summary>
/// bUnit for the admin pages over the real services of a real console (its SQLite database, its
/// audit): the page logic is checked against what is really stored, signed in as the bootstrap admin.
/// </summary>
public abstract class AdminPageContext : IAsyncLifetime
{
    protected ConsoleAppFactory App { get; } = new(RoleClients.NoDocker());

    protected BunitContext Ctx { get; } = new();

    protected UserService Users => App.Services.GetRequiredService<UserService>();

    protected AuditLog Audit => App.Services.GetRequiredService<AuditLog>();

    protected ISnackbar Snackbar => Ctx.Services.GetRequiredService<ISnackbar>();

    public virtual async Task InitializeAsync()
    {
        var admin = (await Users.ListAsync(CancellationToken.None)).Single(u => u.Username == ConsoleAppFactory.AdminUser);
        Ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        Ctx.Services.AddMudServices();
        foreach (var type in new[] { typeof(UserService), typeof(UserAdmin), typeof(TokenAdmin), typeof(ApiTokenService), typeof(AuditLog) })
        {
            Ctx.Services.AddSingleton(type, App.Services.GetRequiredService(type));
        }

        Ctx.AddAuthorization().SetAuthorized(admin.Username).SetRoles(Roles.Admin).SetPolicies(Roles.Admin)
            .SetClaims(new Claim(ClaimTypes.NameIdentifier, admin.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Ctx.Render<MudPopoverProvider>();
    }

    public virtual async Task DisposeAsync()
    {
        await Ctx.DisposeAsync();
        await App.DisposeAsync();
    }
}
