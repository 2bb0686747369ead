using KoboConsole.Web.Features.Checks.Alerts;

namespace KoboConsole.Tests.Features.Checks.Alerts;

public sealed class AlertsOptionsValidatorTests
{
    private static AlertChannelOptions Mail(string name = "ops-mail") => new()
    {
        Kind = "email",
        Name = name,
        To = "ops@example.org, oncall@example.org",
        From = "kobo@example.org",
        SmtpHost = "smtp.example.org",
        SmtpUser = "alerts",
        SmtpPasswordFile = "/run/secrets/smtp",
    };

    private static string[] Errors(params AlertChannelOptions[] channels)
    {
        var result = new AlertsOptionsValidator().Validate(null, new AlertsOptions { Channels = [.. channels] });
        return result.Failed ? result.Failures.ToArray() : [];
    }

    [Fact]
    public void Validate_CompleteChannels_Pass() =>
        Assert.Empty(Errors(Mail(), new AlertChannelOptions { Kind = "slack", Name = "chat", Url = "https://hooks.slack.com/services/T/B/x" }));

    [Fact]
    public void Validate_EmailWithoutRecipientSenderOrHost_NamesEachKey()
    {
        var c = Mail();
        (c.To, c.From, c.SmtpHost) = ("not an address", null, " ");

        var errors = Errors(c);

        Assert.Contains(errors, e => e.StartsWith("KoboConsole:Alerts:Channels:0:To:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("KoboConsole:Alerts:Channels:0:From:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("KoboConsole:Alerts:Channels:0:SmtpHost:", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_PasswordInFileAndEnvironment_IsRefusedWithoutEchoingIt()
    {
        var c = Mail();
        c.SmtpPassword = "the-secret-itself";

        var error = Assert.Single(Errors(c));

        Assert.StartsWith("KoboConsole:Alerts:Channels:0:SmtpPasswordFile:", error, StringComparison.Ordinal);
        Assert.DoesNotContain("the-secret-itself", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sms", "Kind")]
    [InlineData("webhook", "Url")]
    public void Validate_UnknownKindOrHookWithoutUrl_NamesTheKey(string kind, string key) =>
        Assert.StartsWith($"KoboConsole:Alerts:Channels:1:{key}:", Assert.Single(Errors(Mail(), new AlertChannelOptions { Kind = kind, Name = "second" })), StringComparison.Ordinal);

    [Fact]
    public void Validate_DuplicateOrBadName_IsRefused()
    {
        Assert.Contains("Channels:1:Name", Assert.Single(Errors(Mail("a"), Mail("A"))), StringComparison.Ordinal);
        Assert.Contains("Channels:0:Name", Assert.Single(Errors(Mail("../x"))), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BadCertificateFingerprint_IsRefused()
    {
        var c = Mail();
        c.SmtpCertificateSha256 = "abc";
        Assert.Contains("SmtpCertificateSha256", Assert.Single(Errors(c)), StringComparison.Ordinal);
        c.SmtpCertificateSha256 = string.Join(':', Enumerable.Repeat("AB", 32));
        Assert.Empty(Errors(c));
    }

    [Fact]
    public void ChannelResponse_Hook_ShowsOnlySchemeAndHost()
    {
        var shown = ChannelResponse.Of(new AlertChannelOptions { Kind = "slack", Name = "chat", Url = "https://hooks.slack.com/services/T0/B0/secret-token" });

        Assert.Equal("https://hooks.slack.com/...", shown.Destination);
    }

    [Fact]
    public void ChannelResponse_Email_SaysPasswordIsSetWithoutIt()
    {
        var c = Mail();
        var shown = ChannelResponse.Of(c);

        Assert.True(shown.PasswordSet);
        Assert.Equal("ops@example.org, oncall@example.org through smtp.example.org:587 as alerts", shown.Destination);
    }
}
