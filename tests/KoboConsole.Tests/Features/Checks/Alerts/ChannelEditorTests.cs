using KoboConsole.Web.Features.Checks;
using KoboConsole.Web.Features.Checks.Alerts;

namespace KoboConsole.Tests.Features.Checks.Alerts;

/// <summary>Stored channels: added, changed and removed beside the configured ones, secrets write-only and masked in the audit.</summary>
public sealed class ChannelEditorTests
{
    private const string Password = "smtp-pa55word-never-shown";
    private const string Hook = "https://chat.example.org/hooks/abc123-secret-token";

    private static ChannelRequest Mail(string name = "oncall-mail", string? password = Password) => new(name, "email", To: "oncall@example.org", From: "console@example.org",
        SmtpHost: "smtp.example.org", SmtpPort: 587, SmtpUser: "alerts", SmtpPassword: password);

    [Fact]
    public async Task Create_EmailAndSlack_ListedAfterConfiguredAndUsedForAlerts()
    {
        await using var h = await AlertHarness.StartAsync();

        Assert.Equal(ChannelEditOutcome.Done, (await h.Editor.CreateAsync(Mail(), "admin", CancellationToken.None)).Outcome);
        Assert.Equal(ChannelEditOutcome.Done, (await h.Editor.CreateAsync(new ChannelRequest("chat", " Slack", Url: Hook), "admin", CancellationToken.None)).Outcome);

        var list = await h.Channels.ListAsync(CancellationToken.None);
        Assert.Equal([("ops-hook", true), ("chat", false), ("oncall-mail", false)], list.Select(c => (c.Channel.Name, c.ReadOnly)));
        Assert.Equal((Password, "alerts"), (list[2].Channel.SmtpPassword, list[2].Channel.SmtpUser));
        await h.Channels.SendAsync(AlertText.Test("all", null, null, h.Clock.GetUtcNow()), CancellationToken.None);
        Assert.Contains(h.Hook.Received, r => r.Url == new Uri(Hook) && r.Body.GetProperty("text").GetString()!.Contains("test", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_Secrets_EncryptedInTheDatabaseAndMaskedInTheAudit()
    {
        await using var h = await AlertHarness.StartAsync();
        await h.Editor.CreateAsync(Mail(), "admin", CancellationToken.None);
        await h.Editor.CreateAsync(new ChannelRequest("chat", "slack", Url: Hook), "admin", CancellationToken.None);

        var dbFile = await File.ReadAllBytesAsync(h.Db.SqlitePath!);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var text = System.Text.Encoding.UTF8.GetString(dbFile) + string.Join('\n', (await h.Audit.ReadAsync(100, CancellationToken.None)).Select(a => $"{a.Action} {a.Target} {a.Details}"));

        Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
        Assert.DoesNotContain("abc123-secret-token", text, StringComparison.Ordinal);
        Assert.Contains("alerts.channel.create oncall-mail email to oncall@example.org from console@example.org through smtp.example.org:587 as alerts, STARTTLS, password set", text, StringComparison.Ordinal);
        Assert.Contains("alerts.channel.create chat slack to https://chat.example.org/...", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_SecretLeftOut_KeptAndAuditSaysUnchanged()
    {
        await using var h = await AlertHarness.StartAsync();
        await h.Editor.CreateAsync(Mail(), "admin", CancellationToken.None);

        var edit = await h.Editor.UpdateAsync("oncall-mail", Mail(password: null) with { Name = null, To = "night@example.org" }, "admin", CancellationToken.None);

        Assert.Equal(ChannelEditOutcome.Done, edit.Outcome);
        var stored = Assert.Single(await h.Stored.ListAsync(CancellationToken.None));
        Assert.Equal(("night@example.org", Password), (stored.To, stored.SmtpPassword));
        var audit = (await h.Audit.ReadAsync(1, CancellationToken.None))[0];
        Assert.Equal("alerts.channel.update", audit.Action);
        Assert.EndsWith("; password unchanged", audit.Details, StringComparison.Ordinal);
        Assert.Contains("-> email to night@example.org", audit.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_EmptyPassword_RemovesIt()
    {
        await using var h = await AlertHarness.StartAsync();
        await h.Editor.CreateAsync(Mail(), "admin", CancellationToken.None);

        await h.Editor.UpdateAsync("oncall-mail", Mail(password: ""), "admin", CancellationToken.None);

        Assert.Null(Assert.Single(await h.Stored.ListAsync(CancellationToken.None)).SmtpPassword);
        Assert.EndsWith("; password removed", (await h.Audit.ReadAsync(1, CancellationToken.None))[0].Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_Invalid_ErrorsPerFieldWithoutTheValues()
    {
        await using var h = await AlertHarness.StartAsync();

        var edit = await h.Editor.CreateAsync(new ChannelRequest("bad name!", "email", To: "not-an-address", SmtpPort: 70000, SmtpPassword: Password), "admin", CancellationToken.None);

        Assert.Equal(ChannelEditOutcome.Invalid, edit.Outcome);
        Assert.Equal(["from", "name", "smtpHost", "smtpPort", "smtpUser", "to"], edit.Errors!.Keys.Order());
        Assert.DoesNotContain(edit.Errors.Values.SelectMany(v => v), m => m.Contains(Password, StringComparison.Ordinal) || m.Contains("not-an-address", StringComparison.Ordinal));
        Assert.Empty(await h.Stored.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Create_HookWithoutUrlOrUnknownKind_Invalid()
    {
        await using var h = await AlertHarness.StartAsync();

        Assert.Equal(["url"], (await h.Editor.CreateAsync(new ChannelRequest("hook", "webhook"), "admin", CancellationToken.None)).Errors!.Keys);
        Assert.Equal(["kind"], (await h.Editor.CreateAsync(new ChannelRequest("hook", "pager", Url: Hook), "admin", CancellationToken.None)).Errors!.Keys);
    }

    [Fact]
    public async Task CreateUpdateDelete_ConfiguredName_ExistsOrReadOnlyNamingTheKey()
    {
        await using var h = await AlertHarness.StartAsync();

        var create = await h.Editor.CreateAsync(new ChannelRequest("OPS-HOOK", "webhook", Url: Hook), "admin", CancellationToken.None);
        var update = await h.Editor.UpdateAsync("ops-hook", new ChannelRequest(Kind: "webhook", Url: Hook), "admin", CancellationToken.None);
        var delete = await h.Editor.DeleteAsync("ops-hook", "admin", CancellationToken.None);

        Assert.Equal((ChannelEditOutcome.Exists, "KoboConsole:Alerts:Channels:0"), (create.Outcome, create.ConfigKey));
        Assert.Equal((ChannelEditOutcome.ReadOnly, "KoboConsole:Alerts:Channels:0"), (update.Outcome, update.ConfigKey));
        Assert.Equal(ChannelEditOutcome.ReadOnly, delete.Outcome);
        Assert.Single(await h.Channels.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Delete_Stored_GoneAndAudited()
    {
        await using var h = await AlertHarness.StartAsync();
        await h.Editor.CreateAsync(Mail(), "admin", CancellationToken.None);

        Assert.Equal(ChannelEditOutcome.Done, (await h.Editor.DeleteAsync("oncall-mail", "admin", CancellationToken.None)).Outcome);
        Assert.Equal(ChannelEditOutcome.NotFound, (await h.Editor.DeleteAsync("oncall-mail", "admin", CancellationToken.None)).Outcome);

        Assert.Empty(await h.Stored.ListAsync(CancellationToken.None));
        Assert.Equal("alerts.channel.delete", (await h.Audit.ReadAsync(1, CancellationToken.None))[0].Action);
    }

    [Fact]
    public async Task Retry_ChannelDeletedMeanwhile_EndsWithTheReason()
    {
        await using var h = await AlertHarness.StartAsync(o => o.Channels.Clear());
        await h.Editor.CreateAsync(new ChannelRequest("chat", "slack", Url: Hook), "admin", CancellationToken.None);
        h.Hook.Statuses.Enqueue(System.Net.HttpStatusCode.InternalServerError);
        await h.RoundAsync(CheckStates.Failing);
        await h.RoundAsync(CheckStates.Failing);

        await h.Editor.DeleteAsync("chat", "admin", CancellationToken.None);
        h.Clock.Advance(TimeSpan.FromMinutes(1));
        await h.Channels.RetryDueAsync(CancellationToken.None);

        var last = (await h.LogAsync())[^1];
        Assert.Equal((2, DeliveryOutcomes.Failed, "the channel no longer exists: not retried."), (last.Attempt, last.Outcome, last.Reason));
    }
}
