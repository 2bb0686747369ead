using System.Net;
using KoboConsole.IntegrationTests.Configuration;
using KoboConsole.Testing;
using ConsoleProcess = KoboConsole.IntegrationTests.Configuration.ConsoleProcess;

namespace KoboConsole.IntegrationTests.Storage;

/// <summary>
/// KoboConsole__Storage__Provider=PostgreSql on a real PostgreSQL: migrations, users, Hangfire and
/// Data Protection keys live there, so two console instances share logins.
/// </summary>
public sealed class PostgresStorageTests(ConsolePostgresFixture pg) : IClassFixture<ConsolePostgresFixture>
{
    [Fact]
    public async Task TwoInstances_SameDatabase_ALoginOnOneWorksOnTheOther()
    {
        var settings = new Dictionary<string, string?>
        {
            ["KoboConsole:Storage:Provider"] = "PostgreSql",
            ["KoboConsole:Storage:ConnectionString"] = pg.ConnectionString,
        };
        await using var first = new ConsoleAppFactory(settings);
        await using var second = new ConsoleAppFactory(settings);
        using var firstClient = first.CreateBrowserLikeClient();
        using var secondClient = second.CreateBrowserLikeClient();

        using var login = await ConsoleAppFactory.PostLoginAsync(firstClient, ConsoleAppFactory.AdminUser, ConsoleAppFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("KoboConsole.Auth=", StringComparison.Ordinal)).Split(';')[0];

        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", cookie);
        using var onSecond = await secondClient.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, onSecond.StatusCode);
        Assert.Contains("Overview", await onSecond.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WrongPassword_StopsNamingTheSettingWithoutThePassword()
    {
        var broken = pg.ConnectionString.Replace("Password=console-db-password", "Password=wrong-secret", StringComparison.Ordinal);
        using var process = await ConsoleProcess.StartAsync(new()
        {
            ["KoboConsole__Storage__Provider"] = "PostgreSql",
            ["KoboConsole__Storage__ConnectionString"] = broken,
        });

        Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(90)), "the console kept running without its database");

        Assert.Equal(3, process.ExitCode);
        Assert.Contains("KoboConsole:Storage:ConnectionString", process.Stderr, StringComparison.Ordinal);
        Assert.Contains("password authentication failed", process.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret", process.Stdout + process.Stderr, StringComparison.Ordinal);
    }
}
