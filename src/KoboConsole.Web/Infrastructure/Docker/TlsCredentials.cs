using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Docker.DotNet;
using Microsoft.Net.Http.Client;

namespace KoboConsole.Web.Infrastructure.Docker;

/// <summary>
/// Docker's TLS (<c>--tlsverify</c>): client certificate and key as PEM files, server checked
/// against our CA. Written here because Docker.DotNet.X509 wants PFX files and no custom CA.
/// </summary>
internal sealed class TlsCredentials(DockerHostOptions options) : Credentials
{
    private X509Certificate2? _clientCertificate;
    private X509Certificate2? _ca;

    public override bool IsTlsCredentials() => true;

    public override HttpMessageHandler GetHandler(HttpMessageHandler innerHandler)
    {
        if (innerHandler is not ManagedHandler handler)
        {
            return innerHandler;
        }

        if (options.TlsCertPath is not null && options.TlsKeyPath is not null)
        {
            _clientCertificate = X509Certificate2.CreateFromPemFile(options.TlsCertPath, options.TlsKeyPath);
            handler.ClientCertificates = [_clientCertificate];
        }

        if (options.TlsCaCertPath is not null)
        {
            _ca = X509CertificateLoader.LoadCertificateFromFile(options.TlsCaCertPath);
            handler.ServerCertificateValidationCallback = ValidateServer;
        }

        return handler;
    }

    public override void Dispose()
    {
        _clientCertificate?.Dispose();
        _ca?.Dispose();
        base.Dispose();
    }

    private bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || _ca is null)
        {
            return false;
        }

        // Trust exactly our CA, not the machine's store; names are not checked because Docker
        // hosts are often reached by IP, as the docker CLI allows with --tlsverify and an IP SAN.
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(_ca);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var presented = new X509Certificate2(certificate);
        return custom.Build(presented);
    }
}
