using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.IntegrationTests.Checks;
using KoboConsole.IntegrationTests.Security;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Checks;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Faults;

/// <summary>
/// The console's own PostgreSQL (PostgreSQL storage mode) stopped and started under a running
/// console: /readyz and the banner's state say so, the <c>console:database</c> check alerts by
/// e-mail while the database is away and stores the outage when it is back, nothing needs a
/// console restart afterwards.
/// </summary>
public sealed class ConsoleDatabaseOutageTests(ConsolePostgresFixture pg) : IClassFixture<ConsolePostgresFixture>
{
    [Fact]
    public async Task ConsoleDatabase_StoppedThenStarted_ReadyzAndBannerReportItAndRequestsWorkAfterwards()
    {
        await using var smtp = new SmtpTestServer();
        await using var app = new ConsoleAppFactory(new Dictionary<string, string?>(RoleClients.NoDocker())
        {
            ["KoboConsole:Storage:Provider"] = "PostgreSql",
            ["KoboConsole:Storage:ConnectionString"] = pg.ConnectionString,
            ["KoboConsole:Checks:Enabled"] = "true",
            ["KoboConsole:Checks:ServiceIntervalSeconds"] = "5",
            ["KoboConsole:Alerts:Channels:0:Kind"] = "email",
            ["KoboConsole:Alerts:Channels:0:Name"] = "ops-mail",
            ["KoboConsole:Alerts:Channels:0:To"] = "ops@example.org",
            ["KoboConsole:Alerts:Channels:0:From"] = "kobo-console@example.org",
            ["KoboConsole:Alerts:Channels:0:SmtpHost"] = "localhost",
            ["KoboConsole:Alerts:Channels:0:SmtpPort"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["KoboConsole:Alerts:Channels:0:SmtpUser"] = SmtpTestServer.User,
            ["KoboConsole:Alerts:Channels:0:SmtpPassword"] = SmtpTestServer.Password,
            ["KoboConsole:Alerts:Channels:0:SmtpCertificateSha256"] = smtp.CertificateSha256,
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
        var store = app.Services.GetRequiredService<CheckStore>();
        CheckStatus? seen = null;
        await WaitAsync(async () => (seen = (await store.ListAsync(CancellationToken.None)).FirstOrDefault(s => s.Id == "console:database"))?.State == CheckStates.Ok,
            () => $"the database check never came out ok: {seen}");

        await pg.StopAsync();
        try
        {
            await WaitAsync(() => !health.Reachable, "the monitor never saw the database go away");
            // Nothing can be stored now: the check alerts from the engine's memory.
            // After the grace period: two rounds of 5 s, each waiting up to 5 s for the database, plus the mail.
            var failing = await smtp.NextAsync("FAILING: console database", TimeSpan.FromSeconds(40));
            Assert.Contains("does not answer", failing.Message.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain("console-db-password", failing.Message.TextBody, StringComparison.Ordinal);
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
        await smtp.NextAsync("recovered: console database", TimeSpan.FromSeconds(30));
        var history = await client.GetFromJsonAsync<List<CheckChange>>("/api/v1/checks/history?check=console&target=database", JsonSerializerOptions.Web);
        // The stored outage: failing from when the engine saw the database go, ok since it is back.
        var (down, up) = (history![^2], history[^1]);
        Assert.Equal((CheckStates.Failing, CheckStates.Ok), (down.State, up.State));
        Assert.True(up.At - down.At > TimeSpan.Zero, "the outage has no duration");
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

    private static async Task WaitAsync(Func<Task<bool>> condition, Func<string> failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure());
            await Task.Delay(100);
        }
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
