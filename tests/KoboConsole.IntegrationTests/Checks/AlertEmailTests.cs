using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.IntegrationTests.Backups;
using KoboConsole.IntegrationTests.Security;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Checks;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Checks;

/// <summary>A real SMTP server on loopback (STARTTLS, login) and a console with three e-mail channels: one right, one with a wrong password, one whose server is down.</summary>
public sealed class AlertMailApp : IAsyncLifetime
{
    public const string WrongPassword = "not-the-smtp-password";
    private readonly string _passwordFile = Path.GetTempFileName();

    public SmtpTestServer Smtp { get; } = new();

    public ConsoleAppFactory App { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_passwordFile, SmtpTestServer.Password + "\n");
        var settings = RoleClients.NoDocker();
        settings["KoboConsole:Checks:PublicUrl"] = "https://console.example.org";
        Channel(settings, 0, "ops-mail", Smtp.Port, ("To", "ops@example.org, oncall@example.org"), ("SmtpPasswordFile", _passwordFile));
        Channel(settings, 1, "wrong-login", Smtp.Port, ("To", "ops@example.org"), ("SmtpPassword", WrongPassword));
        Channel(settings, 2, "server-down", S3rverFixture.FreePort(), ("To", "ops@example.org"), ("SmtpPasswordFile", _passwordFile));
        App = new ConsoleAppFactory(settings);
        Admin = await RoleClients.ForRoleAsync(App, "admin");
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await App.DisposeAsync();
        await Smtp.DisposeAsync();
        File.Delete(_passwordFile);
    }

    private void Channel(Dictionary<string, string?> settings, int i, string name, int port, params (string Key, string Value)[] more)
    {
        var key = $"KoboConsole:Alerts:Channels:{i}:";
        settings[key + "Kind"] = "email";
        settings[key + "Name"] = name;
        settings[key + "From"] = "kobo-console@example.org";
        settings[key + "SmtpHost"] = "localhost";
        settings[key + "SmtpPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings[key + "SmtpUser"] = SmtpTestServer.User;
        settings[key + "StartTls"] = "true";
        settings[key + "SmtpCertificateSha256"] = Smtp.CertificateSha256;
        foreach (var (k, v) in more)
        {
            settings[key + k] = v;
        }
    }
}

/// <summary>E-mail alerts through a real SMTP server: the test button's route, a state change, and the failures the delivery log must name.</summary>
public sealed class AlertEmailTests(AlertMailApp fixture) : IClassFixture<AlertMailApp>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task TestRoute_EmailChannel_MailArrivesOverStartTlsAfterLogin()
    {
        using var response = await fixture.Admin.PostAsync("/api/v1/alerts/channels/ops-mail/test", null);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("sent", JsonDocument.Parse(text).RootElement.GetProperty("outcome").GetString());
        var mail = await fixture.Smtp.NextAsync("test: alert-channel ops-mail", Within);
        Assert.True(mail.Secure, "the mail was not sent under STARTTLS");
        Assert.Equal(SmtpTestServer.User, mail.User);
        Assert.Equal(["ops@example.org", "oncall@example.org"], mail.Message.To.Mailboxes.Select(m => m.Address));
        Assert.Contains("the console's alerts reach you here", mail.Message.TextBody, StringComparison.Ordinal);
        var audit = await fixture.Admin.GetStringAsync("/api/v1/audit");
        Assert.Contains("alerts.test", audit, StringComparison.Ordinal);
        Assert.DoesNotContain(SmtpTestServer.Password, audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StateChange_HeldForGracePeriod_MailNamesInstallCheckSinceAndLinkAndFailuresAreLoggedWithReason()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-40);
        var target = $"kobobe-redis_main-{Guid.NewGuid():N}"[..30];
        var failing = new CheckResult(CheckKinds.Probe, target, CheckStates.Failing, "redis_main does not answer, so Enketo forms and Celery tasks stop.");
        var alerts = fixture.App.Services.GetRequiredService<CheckAlerts>();

        // Two rounds (the default grace period): the first sends nothing, the second the failing alert.
        await alerts.EvaluateAsync([(failing, null)], "kobo.example.org", since, CancellationToken.None);
        Assert.DoesNotContain(await DeliveriesAsync(), d => d.Target == target);
        await alerts.EvaluateAsync([(failing, null)], "kobo.example.org", since.AddSeconds(30), CancellationToken.None);

        var mail = await fixture.Smtp.NextAsync(target, Within);
        Assert.Equal($"[kobo.example.org] FAILING: probe {target}", mail.Message.Subject);
        var body = mail.Message.TextBody;
        Assert.Contains("kobo install: kobo.example.org", body, StringComparison.Ordinal);
        Assert.Contains("redis_main does not answer, so Enketo forms and Celery tasks stop.", body, StringComparison.Ordinal);
        Assert.Contains($"failing since {since.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC", body, StringComparison.Ordinal);
        Assert.Contains($"https://console.example.org/?check=probe%3A{target}", body, StringComparison.Ordinal);
        var log = await DeliveriesAsync();
        Assert.Contains(log, d => d.Channel == "ops-mail" && d.Target == target && d.Outcome == "sent");
        Assert.Contains(log, d => d.Channel == "wrong-login" && d.Target == target && d.Outcome == "failed" && d.Reason!.Contains("refused the login of alerts", StringComparison.Ordinal));
        Assert.Contains(log, d => d.Channel == "server-down" && d.Target == target && d.Outcome == "failed" && d.Reason!.Contains("cannot be reached", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TestRoute_WrongPasswordOrServerDown_502WithTheReasonAndNoSecretShown()
    {
        using var wrong = await fixture.Admin.PostAsync("/api/v1/alerts/channels/wrong-login/test", null);
        using var down = await fixture.Admin.PostAsync("/api/v1/alerts/channels/server-down/test", null);
        using var unknown = await fixture.Admin.PostAsync("/api/v1/alerts/channels/no-such/test", null);
        var channels = await fixture.Admin.GetStringAsync("/api/v1/alerts/channels");
        var deliveries = await fixture.Admin.GetStringAsync("/api/v1/alerts/deliveries?channel=wrong-login");

        Assert.Equal(HttpStatusCode.BadGateway, wrong.StatusCode);
        Assert.Contains("refused the login of alerts", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadGateway, down.StatusCode);
        Assert.Contains("cannot be reached", await down.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("\"passwordSet\":true", channels, StringComparison.Ordinal);
        Assert.Contains("\"outcome\":\"failed\"", deliveries, StringComparison.Ordinal);
        var shown = channels + deliveries + await wrong.Content.ReadAsStringAsync() + await fixture.Admin.GetStringAsync("/api/v1/audit");
        Assert.DoesNotContain(SmtpTestServer.Password, shown, StringComparison.Ordinal);
        Assert.DoesNotContain(AlertMailApp.WrongPassword, shown, StringComparison.Ordinal);
    }

    private async Task<List<Delivery>> DeliveriesAsync() =>
        (await fixture.Admin.GetFromJsonAsync<List<Delivery>>("/api/v1/alerts/deliveries?limit=1000", JsonSerializerOptions.Web))!;

    private sealed record Delivery(string Channel, string Kind, string Event, string Check, string Target, string Outcome, string? Reason);
}
