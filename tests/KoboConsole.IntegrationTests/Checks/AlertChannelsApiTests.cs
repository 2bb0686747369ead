using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.IntegrationTests.Backups;
using KoboConsole.IntegrationTests.Security;
using KoboConsole.Testing;

namespace KoboConsole.IntegrationTests.Checks;

/// <summary>The stored channels through the API of a running console: add, change, remove, validation, and secrets that never come back.</summary>
public sealed class AlertChannelsApiTests : IAsyncLifetime
{
    private const string Password = "api-smtp-pa55word";
    private readonly HttpListener _hook = new();
    private readonly string _hookUrl = $"http://127.0.0.1:{S3rverFixture.FreePort()}/hooks/T0/tok3n-secret/";
    private ConsoleAppFactory _app = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _hook.Prefixes.Add(_hookUrl);
        _hook.Start();
        var settings = RoleClients.NoDocker();
        settings["KoboConsole:Alerts:Channels:0:Kind"] = "webhook";
        settings["KoboConsole:Alerts:Channels:0:Name"] = "configured-hook";
        settings["KoboConsole:Alerts:Channels:0:Url"] = "https://hooks.example.org/configured-secret";
        _app = new ConsoleAppFactory(settings);
        _admin = await RoleClients.ForRoleAsync(_app, "admin");
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _app.DisposeAsync();
        _hook.Close();
    }

    [Fact]
    public async Task Channels_AddTestChangeDelete_WorksAndNoSecretEverComesBack()
    {
        using var mail = await _admin.PostAsJsonAsync("/api/v1/alerts/channels", new
        {
            name = "oncall-mail",
            kind = "email",
            to = "oncall@example.org",
            from = "console@example.org",
            smtpHost = "smtp.example.org",
            smtpUser = "alerts",
            smtpPassword = Password,
        });
        using var hook = await _admin.PostAsJsonAsync("/api/v1/alerts/channels", new { name = "team-hook", kind = "webhook", url = _hookUrl });
        Assert.Equal(HttpStatusCode.Created, mail.StatusCode);
        Assert.Equal("/api/v1/alerts/channels/team-hook", hook.Headers.Location!.ToString());

        // The stored hook takes the test alert in a real HTTP server.
        var received = ReceiveAsync();
        using var test = await _admin.PostAsync("/api/v1/alerts/channels/team-hook/test", null);
        Assert.Equal(HttpStatusCode.OK, test.StatusCode);
        Assert.Equal("check.test", (await received).GetProperty("event").GetString());

        using var put = await _admin.PutAsJsonAsync("/api/v1/alerts/channels/oncall-mail", new
        {
            kind = "email",
            to = "night@example.org",
            from = "console@example.org",
            smtpHost = "smtp.example.org",
            smtpPort = 2525,
            smtpUser = "alerts",
        });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var list = await _admin.GetFromJsonAsync<List<JsonElement>>("/api/v1/alerts/channels", JsonSerializerOptions.Web);
        Assert.Equal(["configured-hook", "oncall-mail", "team-hook"], list!.Select(c => c.GetProperty("name").GetString()));
        var changed = list![1];
        Assert.Equal(("night@example.org", 2525, true, "console", false), (changed.GetProperty("to").GetString(), changed.GetProperty("smtpPort").GetInt32(),
            changed.GetProperty("passwordSet").GetBoolean(), changed.GetProperty("source").GetString(), changed.GetProperty("readOnly").GetBoolean()));
        Assert.Equal((true, "KoboConsole:Alerts:Channels:0"), (list[0].GetProperty("readOnly").GetBoolean(), list[0].GetProperty("configKey").GetString()));

        using var delete = await _admin.DeleteAsync("/api/v1/alerts/channels/team-hook");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var again = await _admin.DeleteAsync("/api/v1/alerts/channels/team-hook");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);

        var shown = string.Join('\n', await mail.Content.ReadAsStringAsync(), await hook.Content.ReadAsStringAsync(), await put.Content.ReadAsStringAsync(),
            await _admin.GetStringAsync("/api/v1/alerts/channels"), await _admin.GetStringAsync("/api/v1/audit"), await _admin.GetStringAsync("/api/v1/alerts/deliveries"));
        Assert.DoesNotContain(Password, shown, StringComparison.Ordinal);
        Assert.DoesNotContain("tok3n-secret", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("configured-secret", shown, StringComparison.Ordinal);
        Assert.Contains("alerts.channel.update", shown, StringComparison.Ordinal);
        Assert.Contains("password unchanged", shown, StringComparison.Ordinal);
        Assert.Contains("alerts.channel.delete", shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Channels_InvalidOrConfigured_ProblemDetailsSayWhatToDo()
    {
        using var invalid = await _admin.PostAsJsonAsync("/api/v1/alerts/channels", new { name = "x", kind = "email", to = "nobody", smtpPassword = Password });
        using var configured = await _admin.PutAsJsonAsync("/api/v1/alerts/channels/configured-hook", new { kind = "webhook", url = "https://example.org/x" });
        using var taken = await _admin.PostAsJsonAsync("/api/v1/alerts/channels", new { name = "Configured-Hook", kind = "webhook", url = "https://example.org/x" });
        using var unknownField = await _admin.PostAsJsonAsync("/api/v1/alerts/channels", new { name = "y", kind = "webhook", url = "https://example.org/x", smtpPasswordFile = "/etc/shadow" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
        var errors = JsonDocument.Parse(await invalid.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Contains("comma-separated", errors.GetProperty("to")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("smtp.example.org", errors.GetProperty("smtpHost")[0].GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, await invalid.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, configured.StatusCode);
        Assert.Contains("KoboConsole:Alerts:Channels:0", await configured.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknownField.StatusCode);
    }

    private async Task<JsonElement> ReceiveAsync()
    {
        var context = await _hook.GetContextAsync().WaitAsync(TimeSpan.FromSeconds(20));
        using var reader = new StreamReader(context.Request.InputStream);
        var body = JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement.Clone();
        context.Response.StatusCode = 204;
        context.Response.Close();
        return body;
    }
}
