using System.ComponentModel.DataAnnotations;
using System.Net.Mail;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Checks.Alerts;

/// <summary>The alert channels (<c>KoboConsole:Alerts:Channels:N:*</c>): each check state change goes to every one.</summary>
public sealed class AlertsOptions
{
    public const string Section = "KoboConsole:Alerts";

    public List<AlertChannelOptions> Channels { get; set; } = [];

    /// <summary>A failing or warning state is alerted once the check has been in it this many rounds in a row.</summary>
    [Range(1, 100, ErrorMessage = "must be between 1 and 100 checks (2 suits most installs: one bad round is not an alert).")]
    public int GraceChecks { get; set; } = 2;

    /// <summary>While a check stays failing, <c>check.reminder</c> is sent this often; 0: never.</summary>
    [Range(0, 720, ErrorMessage = "must be between 0 (no reminders) and 720 hours.")]
    public int ReminderHours { get; set; } = 6;

    /// <summary>Attempts per alert and channel, the first included; each failed one is retried after a backoff.</summary>
    [Range(1, 10, ErrorMessage = "must be between 1 (no retry) and 10 attempts.")]
    public int DeliveryAttempts { get; set; } = 4;

    /// <summary>The wait before the first retry; each further retry waits four times longer (30 s, 2 min, 8 min).</summary>
    [Range(1, 3600, ErrorMessage = "must be between 1 and 3600 seconds.")]
    public int RetryDelaySeconds { get; set; } = 30;
}

public static class ChannelKinds
{
    public const string Email = "email";
    public const string Webhook = "webhook";
    public const string Slack = "slack";

    public static readonly IReadOnlyList<string> All = [Email, Webhook, Slack];
}

/// <summary>One channel: an e-mail over SMTP, a generic JSON webhook, or a Slack/Mattermost incoming webhook.</summary>
public sealed class AlertChannelOptions
{
    public string Kind { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>webhook and slack: where to POST (the URL of an incoming webhook holds its token: it is never shown whole).</summary>
    public string? Url { get; set; }

    /// <summary>email: the recipients, comma-separated.</summary>
    public string? To { get; set; }

    public string? From { get; set; }

    public string? SmtpHost { get; set; }

    public int SmtpPort { get; set; } = 587;

    public string? SmtpUser { get; set; }

    /// <summary>A file holding the SMTP password (a Docker secret); read at each send.</summary>
    public string? SmtpPasswordFile { get; set; }

    /// <summary>The SMTP password itself: for an environment variable only, never a committed file.</summary>
    public string? SmtpPassword { get; set; }

    /// <summary>Require STARTTLS (on by default; port 465 always uses TLS on connect).</summary>
    public bool StartTls { get; set; } = true;

    /// <summary>Trust the server certificate with this SHA-256 fingerprint (hex, colons allowed) even if no authority signed it.</summary>
    public string? SmtpCertificateSha256 { get; set; }

    public IReadOnlyList<string> Recipients => (To ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Names the key of each wrong channel setting (values are never echoed: some are secrets).</summary>
public sealed partial class AlertsOptionsValidator : IValidateOptions<AlertsOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertsOptions options)
    {
        var errors = new List<string>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Channels.Count; i++)
        {
            var c = options.Channels[i];
            var key = $"{AlertsOptions.Section}:Channels:{i}";
            if (!names.Add(c.Name) && ValidName().IsMatch(c.Name))
            {
                errors.Add($"{key}:Name: must be unique and 1 to 64 letters, digits, '.', '_' or '-' (e.g. ops-mail).");
            }

            errors.AddRange(Problems(c).Select(p => $"{key}:{p.Field}: {p.Message}"));
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static bool IsValidName(string name) => ValidName().IsMatch(name);

    /// <summary>What is wrong with one channel, field by field (values are never echoed: some are secrets).</summary>
    public static IEnumerable<(string Field, string Message)> Problems(AlertChannelOptions c)
    {
        if (!ChannelKinds.All.Contains(c.Kind))
        {
            yield return ("Kind", "must be one of email, webhook, slack.");
            yield break;
        }

        if (!ValidName().IsMatch(c.Name))
        {
            yield return ("Name", "must be unique and 1 to 64 letters, digits, '.', '_' or '-' (e.g. ops-mail).");
        }

        foreach (var p in c.Kind == ChannelKinds.Email ? Email(c) : Hook(c))
        {
            yield return p;
        }
    }

    private static IEnumerable<(string, string)> Hook(AlertChannelOptions c)
    {
        if (!Uri.TryCreate(c.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            yield return ("Url", "must be an absolute http(s) URL such as https://hooks.example.org/kobo.");
        }
    }

    private static IEnumerable<(string, string)> Email(AlertChannelOptions c)
    {
        if (c.Recipients.Count == 0 || !c.Recipients.All(IsAddress))
        {
            yield return ("To", "must be one or more e-mail addresses, comma-separated (e.g. ops@example.org).");
        }

        if (!IsAddress(c.From))
        {
            yield return ("From", "must be an e-mail address (e.g. kobo-console@example.org).");
        }

        if (string.IsNullOrWhiteSpace(c.SmtpHost))
        {
            yield return ("SmtpHost", "must name the SMTP server (e.g. smtp.example.org).");
        }

        if (c.SmtpPort is < 1 or > 65535)
        {
            yield return ("SmtpPort", "must be between 1 and 65535 (587 for STARTTLS, 465 for TLS).");
        }

        if (!string.IsNullOrEmpty(c.SmtpPasswordFile) && !string.IsNullOrEmpty(c.SmtpPassword))
        {
            yield return ("SmtpPasswordFile", "give the password either in a file or in the environment (SmtpPassword), not both.");
        }

        if (c.SmtpCertificateSha256 is { Length: > 0 } pin && !Fingerprint().IsMatch(pin))
        {
            yield return ("SmtpCertificateSha256", "must be a SHA-256 fingerprint, 64 hex digits (colons allowed).");
        }
    }

    private static bool IsAddress(string? value) => !string.IsNullOrWhiteSpace(value) && MailAddress.TryCreate(value, out _);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex ValidName();

    [GeneratedRegex("^([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$")]
    private static partial Regex Fingerprint();
}
