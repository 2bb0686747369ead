using System.Net;
using KoboConsole.Testing;

namespace KoboConsole.IntegrationTests.Auth;

public sealed class SetupTests : IAsyncLifetime
{
    private readonly ConsoleAppFactory _app = new(bootstrapAdmin: false);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task FirstRun_NoUsers_LoginSendsToSetup_SetupCreatesAdminThenDisappears()
    {
        using var client = _app.CreateBrowserLikeClient();

        using var login = await client.GetAsync(new Uri("/login", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.EndsWith("/setup", login.Headers.Location!.ToString(), StringComparison.Ordinal);

        var token = await ConsoleAppFactory.GetAntiforgeryTokenAsync(client, "/setup");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "setup",
            ["__RequestVerificationToken"] = token,
            ["Input.Username"] = "first-admin",
            ["Input.Password"] = "first-admin-password",
            ["Input.Confirm"] = "first-admin-password",
        });
        using var created = await client.PostAsync(new Uri("/setup", UriKind.Relative), form);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);

        using var home = await client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        using var anonymous = _app.CreateBrowserLikeClient();
        using var setupAgain = await anonymous.GetAsync(new Uri("/setup", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, setupAgain.StatusCode);
    }

    [Fact]
    public async Task FirstRun_WeakPassword_ShowsWhatToDo()
    {
        using var client = _app.CreateBrowserLikeClient();
        var token = await ConsoleAppFactory.GetAntiforgeryTokenAsync(client, "/setup");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "setup",
            ["__RequestVerificationToken"] = token,
            ["Input.Username"] = "first-admin",
            ["Input.Password"] = "short",
            ["Input.Confirm"] = "short",
        });

        using var response = await client.PostAsync(new Uri("/setup", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("must be at least 10 characters", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var setupStill = await client.GetAsync(new Uri("/setup", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, setupStill.StatusCode);
    }
}
