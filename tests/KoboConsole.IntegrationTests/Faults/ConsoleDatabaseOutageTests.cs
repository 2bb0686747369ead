using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.Testing;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Faults;

/// <summary>
/// The console's own PostgreSQL (PostgreSQL storage mode) stopped and started under a running
/// console: /readyz and the banner's state say so, nothing needs a console restart afterwards.
/// </summary>
public sealed class ConsoleDatabaseOutageTests(ConsolePostgresFixture pg) : IClassFixture<ConsolePostgresFixture>
{
    [Fact]
    public async Task ConsoleDatabase_StoppedThenStarted_ReadyzAndBannerReportItAndRequestsWorkAfterwards()
    {
        await using var app = new ConsoleAppFactory(new Dictionary<string, string?>
        {
            ["KoboConsole:Storage:Provider"] = "PostgreSql",
            ["KoboConsole:Storage:ConnectionString"] = pg.ConnectionString,
        });
        using var client = app.CreateClient();
        using var probe = app.CreateClient(); // /readyz as a load balancer asks it: no token
        using var tokenResponse = await client.PostAsJsonAsync(new Uri("/api/v1/tokens", UriKind.Relative),
            new { username = ConsoleAppFactory.AdminUser, password = ConsoleAppFactory.AdminPassword, name = "outage" });
        tokenResponse.EnsureSuccessStatusCode();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString());
        var health = app.Services.GetRequiredService<DatabaseHealth>();
        Assert.True(await DatabaseCheckAsync(probe));

        await pg.StopAsync();
        try
        {
            await WaitAsync(() => !health.Reachable, "the monitor never saw the database go away");
            using var readyz = await probe.GetAsync(new Uri("/readyz", UriKind.Relative));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, readyz.StatusCode);
            Assert.False(await DatabaseCheckAsync(probe));
            Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
            // An API call that needs the database: a clear 503 problem, not a 500.
            using var during = await client.GetAsync(new Uri("/api/v1/runs/nosuchrun", UriKind.Relative));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
            Assert.Contains("The console's database is unreachable; retrying.", await during.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await pg.StartAsync();
        }

        await WaitAsync(() => health.Reachable, "the monitor never saw the database come back");
        Assert.True(await DatabaseCheckAsync(probe));
        // A request that needs the database (token check, run lookup) works without a console restart.
        using var run = await client.GetAsync(new Uri("/api/v1/runs/nosuchrun", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, run.StatusCode);
        Assert.Contains("There is no run 'nosuchrun'", await run.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<bool> DatabaseCheckAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "database").GetProperty("ok").GetBoolean();
    }

    private static async Task WaitAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(100);
        }
    }
}
