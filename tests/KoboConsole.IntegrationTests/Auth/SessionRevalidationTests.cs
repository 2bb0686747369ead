using System.Security.Claims;
using KoboConsole.IntegrationTests.Security;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Auth;
using KoboConsole.Web.Features.Auth.Users;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Auth;

/// <summary>
/// An open page (its circuit's authentication state) loses its sign-in as soon as an admin disables
/// or changes its user on this instance, not at the next 10-second check (issue 21).
/// </summary>
public sealed class SessionRevalidationTests : IAsyncLifetime
{
    private readonly ConsoleAppFactory _app = new(RoleClients.NoDocker());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData(false, null)]
    [InlineData(null, "viewer")]
    public async Task Circuit_UserDisabledOrRoleChanged_SignsOutWithinASecond(bool? enabled, string? role)
    {
        var admin = _app.Services.GetRequiredService<UserAdmin>();
        var (olga, _) = await admin.CreateAsync("admin", "olga", "password-of-olga", "operator", CancellationToken.None);
        var (other, _) = await admin.CreateAsync("admin", "oskar", "password-of-oskar", "operator", CancellationToken.None);
        using var scope = _app.Services.CreateScope();
        using var otherScope = _app.Services.CreateScope();
        var circuit = Circuit(scope, olga!);
        var otherCircuit = Circuit(otherScope, other!);
        var signedOut = new TaskCompletionSource();
        circuit.AuthenticationStateChanged += _ => signedOut.TrySetResult();

        await admin.UpdateAsync("admin", "admin", "olga", new UpdateUserRequest(role, null, enabled), CancellationToken.None);

        await signedOut.Task.WaitAsync(TimeSpan.FromSeconds(1));
        Assert.False((await circuit.GetAuthenticationStateAsync()).User.Identity?.IsAuthenticated);
        Assert.True((await otherCircuit.GetAuthenticationStateAsync()).User.Identity?.IsAuthenticated);
        Assert.True(SessionRevalidation.Interval > TimeSpan.FromSeconds(1), "the periodic check alone would have done it");
    }

    private static SessionRevalidation Circuit(IServiceScope scope, UserInfo user)
    {
        var provider = Assert.IsType<SessionRevalidation>(scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>());
        provider.SetAuthenticationState(Task.FromResult(new AuthenticationState(AuthClaims.For(user, AuthModule.CookieScheme))));
        return provider;
    }
}
