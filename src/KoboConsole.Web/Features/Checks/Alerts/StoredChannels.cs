using Dapper;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.AspNetCore.DataProtection;

namespace KoboConsole.Web.Features.Checks.Alerts;

/// <summary>
/// The alert channels added on the settings page or through the API (<c>alert_channels</c>), beside
/// the configured ones. The secrets (a hook's URL, the SMTP password) are kept encrypted with the
/// console's Data Protection keys and leave this class only to be used for a send.
/// </summary>
public sealed class StoredChannels(ConsoleDb db, IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("KoboConsole.Alerts.Channels");

    private const string Columns = """
        name AS Name, kind AS Kind, url AS Url, to_addrs AS ToAddrs, from_addr AS FromAddr, smtp_host AS SmtpHost, smtp_port AS SmtpPort,
        smtp_user AS SmtpUser, smtp_password AS SmtpPassword, start_tls AS StartTls, smtp_certificate_sha256 AS SmtpCertificateSha256
        """;

    public async Task<IReadOnlyList<AlertChannelOptions>> ListAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.QueryAsync<Row>(new CommandDefinition($"SELECT {Columns} FROM alert_channels ORDER BY name", cancellationToken: cancellationToken));
        return rows.Select(r => new AlertChannelOptions
        {
            Name = r.Name,
            Kind = r.Kind,
            Url = Unprotect(r.Url),
            To = r.ToAddrs,
            From = r.FromAddr,
            SmtpHost = r.SmtpHost,
            SmtpPort = (int)r.SmtpPort,
            SmtpUser = r.SmtpUser,
            SmtpPassword = Unprotect(r.SmtpPassword),
            StartTls = r.StartTls != 0,
            SmtpCertificateSha256 = r.SmtpCertificateSha256,
        }).ToList();
    }

    /// <summary>Adds (<paramref name="insert"/>) or replaces the channel; false when the insert met an existing name or the update none.</summary>
    public async Task<bool> SaveAsync(AlertChannelOptions ch, bool insert, string by, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var args = new
        {
            name = ch.Name,
            kind = ch.Kind,
            url = Protect(ch.Url),
            to = ch.To,
            from = ch.From,
            host = ch.SmtpHost,
            port = ch.SmtpPort,
            user = ch.SmtpUser,
            password = Protect(ch.SmtpPassword),
            tls = ch.StartTls ? 1 : 0,
            pin = ch.SmtpCertificateSha256,
            at = at.ToUnixTimeMilliseconds(),
            by,
        };
        var sql = insert
            ? """
              INSERT INTO alert_channels (name, kind, url, to_addrs, from_addr, smtp_host, smtp_port, smtp_user, smtp_password, start_tls, smtp_certificate_sha256, updated_at, updated_by)
              VALUES (@name, @kind, @url, @to, @from, @host, @port, @user, @password, @tls, @pin, @at, @by) ON CONFLICT (name) DO NOTHING
              """
            : """
              UPDATE alert_channels SET kind = @kind, url = @url, to_addrs = @to, from_addr = @from, smtp_host = @host, smtp_port = @port, smtp_user = @user,
                  smtp_password = @password, start_tls = @tls, smtp_certificate_sha256 = @pin, updated_at = @at, updated_by = @by WHERE name = @name
              """;
        return await c.ExecuteAsync(new CommandDefinition(sql, args, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return await c.ExecuteAsync(new CommandDefinition("DELETE FROM alert_channels WHERE name = @name", new { name }, cancellationToken: cancellationToken)) == 1;
    }

    private string? Protect(string? secret) => string.IsNullOrEmpty(secret) ? null : _protector.Protect(secret);

    // Keys lost (a new data directory without the old keys): the secret is gone; the send says the channel needs editing.
    private string? Unprotect(string? stored)
    {
        try
        {
            return stored is null ? null : _protector.Unprotect(stored);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    private sealed class Row
    {
        public string Name { get; set; } = "";
        public string Kind { get; set; } = "";
        public string? Url { get; set; }
        public string? ToAddrs { get; set; }
        public string? FromAddr { get; set; }
        public string? SmtpHost { get; set; }
        public long SmtpPort { get; set; }
        public string? SmtpUser { get; set; }
        public string? SmtpPassword { get; set; }
        public long StartTls { get; set; }
        public string? SmtpCertificateSha256 { get; set; }
    }
}
