using System.Buffers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using KoboConsole.IntegrationTests.Backups;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.ComponentModel;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace KoboConsole.IntegrationTests.Checks;

/// <summary>A mail the test server accepted, with whether the session was under TLS and who logged in.</summary>
public sealed record ReceivedMail(MimeMessage Message, bool Secure, string? User);

/// <summary>
/// A real SMTP server on loopback (the SmtpServer library): STARTTLS with a self-signed
/// certificate made here, a login required, and no login before TLS. Every accepted mail is
/// written to <see cref="Received"/>.
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    public const string User = "alerts";
    public const string Password = "smtp-secret-Pa55";
    private readonly CancellationTokenSource _stop = new();
    private readonly SmtpServer.SmtpServer _server;
    private readonly Task _running;

    public SmtpTestServer()
    {
        Port = S3rverFixture.FreePort();
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Export and reload: SslStream on Linux needs a certificate whose key is not ephemeral.
        Certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(e => e.Endpoint(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, Port)).IsSecure(false).Certificate(Certificate)
                .AuthenticationRequired().AllowUnsecureAuthentication(false))
            .Build();
        var services = new ServiceProvider();
        services.Add(new Store(this));
        services.Add(new Login());
        _server = new SmtpServer.SmtpServer(options, services);
        _running = _server.StartAsync(_stop.Token);
    }

    public int Port { get; }

    public X509Certificate2 Certificate { get; }

    public string CertificateSha256 => Convert.ToHexString(SHA256.HashData(Certificate.RawData));

    public Channel<ReceivedMail> Received { get; } = Channel.CreateUnbounded<ReceivedMail>();

    /// <summary>The next mail whose subject contains <paramref name="subject"/> (others are skipped).</summary>
    public async Task<ReceivedMail> NextAsync(string subject, TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        try
        {
            while (true)
            {
                var mail = await Received.Reader.ReadAsync(cts.Token);
                if (mail.Message.Subject?.Contains(subject, StringComparison.Ordinal) == true)
                {
                    return mail;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no mail with '{subject}' in its subject within {within.TotalSeconds} s");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _server.Shutdown();
        await _stop.CancelAsync();
        await Task.WhenAny(_running, Task.Delay(TimeSpan.FromSeconds(5)));
        _stop.Dispose();
        Certificate.Dispose();
    }

    private sealed class Store(SmtpTestServer server) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            await server.Received.Writer.WriteAsync(new ReceivedMail(message, context.Pipe.IsSecure, context.Authentication.User), cancellationToken);
            return SmtpResponse.Ok;
        }
    }

    private sealed class Login : UserAuthenticator
    {
        public override Task<bool> AuthenticateAsync(ISessionContext context, string user, string password, CancellationToken cancellationToken) =>
            Task.FromResult(user == User && password == Password);
    }
}
