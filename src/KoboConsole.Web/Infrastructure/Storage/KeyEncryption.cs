using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;

namespace KoboConsole.Web.Infrastructure.Storage;

/// <summary>
/// Encrypts the Data Protection keys (which sign the login cookie and antiforgery tokens) before
/// they are stored in the console's database, with a certificate the operator provides
/// (<c>KoboConsole__Storage__KeyEncryptionCertificatePath</c> and <c>...Password</c>): whoever reads
/// the database then cannot forge a session. The certificate must not sit next to the keys (a
/// self-signed one made in the data folder would protect nothing). Several instances need the
/// same certificate. Without one the keys are stored in the clear and ASP.NET Core warns at start.
/// </summary>
public static class KeyEncryption
{
    /// <summary>
    /// Adds the certificate to Data Protection when one is configured and usable. Done while the
    /// services are registered (Data Protection takes the certificate itself, not a factory); when
    /// it cannot be loaded nothing is added here and the start-up validation stops the console
    /// with a message naming the key (see <see cref="Problems"/>).
    /// </summary>
    public static void Apply(IDataProtectionBuilder dataProtection, IConfiguration configuration)
    {
        var options = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        X509Certificate2? certificate;
        try
        {
            certificate = Load(options);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            return;
        }

        if (certificate is not null)
        {
            dataProtection.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        }
    }

    /// <summary>The configured certificate with its private key, or null when none is configured; throws when it cannot be used.</summary>
    public static X509Certificate2? Load(StorageOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.KeyEncryptionCertificatePath))
        {
            return null;
        }

        var certificate = X509CertificateLoader.LoadPkcs12FromFile(options.KeyEncryptionCertificatePath, options.KeyEncryptionCertificatePassword,
            X509KeyStorageFlags.EphemeralKeySet);
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new CryptographicException("the file holds no private key.");
        }

        return certificate;
    }

    /// <summary>What is wrong with the key encryption settings, by key; never the password.</summary>
    internal static IEnumerable<string> Problems(StorageOptions options)
    {
        const string Path = StorageOptions.Section + ":KeyEncryptionCertificatePath";
        if (string.IsNullOrWhiteSpace(options.KeyEncryptionCertificatePath))
        {
            if (!string.IsNullOrEmpty(options.KeyEncryptionCertificatePassword))
            {
                yield return $"{Path}: set it to the PKCS#12 (.pfx) file whose password {StorageOptions.Section}:KeyEncryptionCertificatePassword gives, or remove the password.";
            }

            yield break;
        }

        if (!File.Exists(options.KeyEncryptionCertificatePath))
        {
            yield return $"{Path}: no file at '{options.KeyEncryptionCertificatePath}'; mount the PKCS#12 (.pfx) certificate there.";
            yield break;
        }

        string? problem = null;
        try
        {
            using var certificate = Load(options);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            problem = $"{Path}: the certificate cannot be used ({ex.Message.TrimEnd('.')}); check the file and {StorageOptions.Section}:KeyEncryptionCertificatePassword.";
        }

        if (problem is not null)
        {
            yield return problem;
        }
    }
}
