using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace KoboConsole.Web.Infrastructure.Mail;

/// <summary>
/// One plain-text mail and the server to hand it to. <see cref="CertificateSha256"/> pins a server
/// certificate that no public authority signed (a relay with a self-signed certificate).
/// </summary>
public sealed record MailSpec(
    string Host, int Port, bool StartTls, string? User, string? Password, string? CertificateSha256,
    string From, IReadOnlyList<string> To, string Subject, string Body)
{
    // The password stays out of ToString: records print every member.
    public override string ToString() => $"mail to {string.Join(", ", To)} through {Host}:{Port}";
}

/// <summary>The mail was not accepted; <see cref="Exception.Message"/> says why (never with the password).</summary>
public sealed class MailException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Sends mail over SMTP with MailKit: STARTTLS (required when asked for), TLS on connect on port 465, then authentication.</summary>
public sealed class SmtpMailer
{
    private const int ReasonLength = 300;

    public async Task SendAsync(MailSpec spec, CancellationToken cancellationToken)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(spec.From));
        foreach (var to in spec.To)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        message.Subject = spec.Subject;
        message.Body = new TextPart("plain") { Text = spec.Body };
        var security = spec.Port == 465 ? SecureSocketOptions.SslOnConnect : spec.StartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None;
        using var client = new SmtpClient { Timeout = 15_000 };
        if (spec.CertificateSha256 is { Length: > 0 } pin)
        {
            var expected = pin.Replace(":", "", StringComparison.Ordinal);
            client.ServerCertificateValidationCallback = (_, certificate, _, errors) => errors == SslPolicyErrors.None
                || (certificate is not null && string.Equals(Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData())), expected, StringComparison.OrdinalIgnoreCase));
        }

        try
        {
            await client.ConnectAsync(spec.Host, spec.Port, security, cancellationToken);
            if (spec.User is { Length: > 0 } user)
            {
                await client.AuthenticateAsync(user, spec.Password ?? "", cancellationToken);
            }

            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (ex is not (IOException or SocketException or MailKit.Security.AuthenticationException or SslHandshakeException or SmtpCommandException
                or SmtpProtocolException or ServiceNotConnectedException or ServiceNotAuthenticatedException or NotSupportedException or OperationCanceledException or TimeoutException))
            {
                throw;
            }

            throw new MailException(Reason(spec, ex), ex);
        }
    }

    private static string Reason(MailSpec spec, Exception ex)
    {
        var what = ex switch
        {
            MailKit.Security.AuthenticationException => $"{spec.Host} refused the login of {spec.User}: check SmtpUser and the password.",
            SslHandshakeException => $"TLS with {spec.Host} failed (its certificate is not trusted, or it speaks no TLS on port {spec.Port}): pin its certificate with SmtpCertificateSha256, or check the port.",
            SocketException s => $"{spec.Host}:{spec.Port} cannot be reached ({s.SocketErrorCode}): check SmtpHost and SmtpPort.",
            NotSupportedException => $"{spec.Host} does not offer STARTTLS: set StartTls to false only for a relay on a trusted network.",
            OperationCanceledException or TimeoutException => $"{spec.Host}:{spec.Port} did not answer in time.",
            _ => $"{spec.Host} answered: {ex.Message}",
        };
        return what.Length <= ReasonLength ? what : what[..ReasonLength] + "...";
    }
}
