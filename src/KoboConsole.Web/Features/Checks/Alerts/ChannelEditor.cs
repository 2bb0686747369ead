using KoboConsole.Web.Features.Audit;

namespace KoboConsole.Web.Features.Checks.Alerts;

/// <summary>
/// A channel as an admin writes it (API body, settings page form). The secrets are write-only:
/// on an update, <see cref="Url"/> or <see cref="SmtpPassword"/> left out (null) keeps the stored
/// one; an empty password removes it.
/// </summary>
public sealed record ChannelRequest(
    string? Name = null, string? Kind = null, string? Url = null, string? To = null, string? From = null, string? SmtpHost = null, int? SmtpPort = null,
    string? SmtpUser = null, string? SmtpPassword = null, bool? StartTls = null, string? SmtpCertificateSha256 = null)
{
    // Records print every member: the secrets stay out.
    public override string ToString() => $"channel {Name} ({Kind})";
}

public enum ChannelEditOutcome
{
    Done,
    Invalid,
    NotFound,
    ReadOnly,
    Exists,
}

/// <summary>What an edit did: <see cref="Errors"/> per field when invalid, <see cref="ConfigKey"/> when the channel is configured (read-only).</summary>
public sealed record ChannelEdit(ChannelEditOutcome Outcome, ChannelEntry? Channel = null, IReadOnlyDictionary<string, string[]>? Errors = null, string? ConfigKey = null);

/// <summary>Adds, changes and removes the stored channels, each change audited with its secrets masked.</summary>
public sealed class ChannelEditor(AlertChannels channels, StoredChannels stored, AuditLog audit, TimeProvider time, ILogger<ChannelEditor> logger)
{
    public async Task<ChannelEdit> CreateAsync(ChannelRequest request, string actor, CancellationToken cancellationToken)
    {
        var channel = Build(request, existing: null);
        if (Validate(channel) is { } errors)
        {
            return new ChannelEdit(ChannelEditOutcome.Invalid, Errors: errors);
        }

        if (await channels.FindAsync(channel.Name, cancellationToken) is { } taken
            || !await stored.SaveAsync(channel, insert: true, actor, time.GetUtcNow(), cancellationToken))
        {
            return new ChannelEdit(ChannelEditOutcome.Exists, ConfigKey: (await channels.FindAsync(channel.Name, cancellationToken))?.ConfigKey);
        }

        await AuditAsync(actor, "alerts.channel.create", channel.Name, Describe(channel), cancellationToken);
        return new ChannelEdit(ChannelEditOutcome.Done, new ChannelEntry(channel, null));
    }

    public async Task<ChannelEdit> UpdateAsync(string name, ChannelRequest request, string actor, CancellationToken cancellationToken)
    {
        if (await channels.FindAsync(name, cancellationToken) is not { } entry)
        {
            return new ChannelEdit(ChannelEditOutcome.NotFound);
        }

        if (entry.ReadOnly)
        {
            return new ChannelEdit(ChannelEditOutcome.ReadOnly, entry, ConfigKey: entry.ConfigKey);
        }

        if (request.Name is { } renamed && !string.Equals(renamed, entry.Channel.Name, StringComparison.Ordinal))
        {
            return new ChannelEdit(ChannelEditOutcome.Invalid, Errors: new Dictionary<string, string[]> { ["name"] = ["a channel cannot be renamed: add one with the new name and delete this one."] });
        }

        var channel = Build(request with { Name = entry.Channel.Name }, entry.Channel);
        if (Validate(channel) is { } errors)
        {
            return new ChannelEdit(ChannelEditOutcome.Invalid, Errors: errors);
        }

        if (!await stored.SaveAsync(channel, insert: false, actor, time.GetUtcNow(), cancellationToken))
        {
            return new ChannelEdit(ChannelEditOutcome.NotFound);
        }

        var secrets = channel.Kind == ChannelKinds.Email
            ? $"password {(request.SmtpPassword is null ? "unchanged" : request.SmtpPassword.Length == 0 ? "removed" : "changed")}"
            : $"URL {(request.Url is null ? "unchanged" : "changed")}";
        await AuditAsync(actor, "alerts.channel.update", channel.Name, $"{Describe(entry.Channel)} -> {Describe(channel)}; {secrets}", cancellationToken);
        return new ChannelEdit(ChannelEditOutcome.Done, new ChannelEntry(channel, null));
    }

    public async Task<ChannelEdit> DeleteAsync(string name, string actor, CancellationToken cancellationToken)
    {
        if (await channels.FindAsync(name, cancellationToken) is not { } entry || (!entry.ReadOnly && !await stored.DeleteAsync(entry.Channel.Name, cancellationToken)))
        {
            return new ChannelEdit(ChannelEditOutcome.NotFound);
        }

        if (entry.ReadOnly)
        {
            return new ChannelEdit(ChannelEditOutcome.ReadOnly, entry, ConfigKey: entry.ConfigKey);
        }

        await AuditAsync(actor, "alerts.channel.delete", entry.Channel.Name, Describe(entry.Channel), cancellationToken);
        return new ChannelEdit(ChannelEditOutcome.Done, entry);
    }

    /// <summary>Where a channel sends, secrets masked: what the audit and the log say of it.</summary>
    public static string Describe(AlertChannelOptions c) => c.Kind == ChannelKinds.Email
        ? $"email to {c.To} from {c.From} through {c.SmtpHost}:{c.SmtpPort}{(c.SmtpUser is { Length: > 0 } u ? $" as {u}" : "")}, "
          + $"{(c.StartTls ? "STARTTLS" : "no STARTTLS")}, {(string.IsNullOrEmpty(c.SmtpPassword) ? "no password" : "password set")}{(c.SmtpCertificateSha256 is { Length: > 0 } ? ", certificate pinned" : "")}"
        : $"{c.Kind} to {ChannelResponse.HostOnly(c.Url)}";

    private static AlertChannelOptions Build(ChannelRequest r, AlertChannelOptions? existing)
    {
        r = r with { Kind = r.Kind?.Trim().ToLowerInvariant() };
        var email = r.Kind == ChannelKinds.Email;
        var sameKind = existing?.Kind == r.Kind || (existing?.Kind is ChannelKinds.Webhook or ChannelKinds.Slack && r.Kind is ChannelKinds.Webhook or ChannelKinds.Slack);
        return new AlertChannelOptions
        {
            Name = r.Name?.Trim() ?? "",
            Kind = r.Kind ?? "",
            Url = email ? null : r.Url ?? (sameKind ? existing?.Url : null),
            To = email ? r.To : null,
            From = email ? r.From : null,
            SmtpHost = email ? r.SmtpHost?.Trim() : null,
            SmtpPort = r.SmtpPort ?? 587,
            SmtpUser = email && r.SmtpUser is { Length: > 0 } u ? u : null,
            SmtpPassword = !email ? null : r.SmtpPassword is null ? (sameKind ? existing?.SmtpPassword : null) : r.SmtpPassword.Length == 0 ? null : r.SmtpPassword,
            StartTls = r.StartTls ?? true,
            SmtpCertificateSha256 = email && r.SmtpCertificateSha256 is { Length: > 0 } pin ? pin : null,
        };
    }

    private static Dictionary<string, string[]>? Validate(AlertChannelOptions c)
    {
        var errors = AlertsOptionsValidator.Problems(c)
            .GroupBy(p => char.ToLowerInvariant(p.Field[0]) + p.Field[1..], p => p.Message)
            .ToDictionary(g => g.Key, g => g.ToArray());
        if (c.Kind == ChannelKinds.Email && !string.IsNullOrEmpty(c.SmtpPassword) && string.IsNullOrEmpty(c.SmtpUser))
        {
            errors["smtpUser"] = ["a password needs a login: give smtpUser, or leave the password out for a relay without authentication."];
        }

        return errors.Count == 0 ? null : errors;
    }

    private async Task AuditAsync(string actor, string action, string name, string details, CancellationToken cancellationToken)
    {
        Log.ChannelChanged(logger, name, action, actor);
        await audit.WriteAsync(actor, action, name, "ok", details, null, cancellationToken);
    }
}
