using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KoboConsole.IntegrationTests.Security;
using KoboConsole.Testing;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KoboConsole.IntegrationTests.Storage;

/// <summary>Data Protection keys at rest: encrypted with a configured certificate, readable by the next start, refused when the certificate is wrong.</summary>
public sealed class KeyEncryptionTests : KeyEncryptionCases
{
    [Fact]
    public void Problems_WrongPasswordOrMissingFile_NameTheKeyButNeverThePassword()
    {
        var path = WritePfx("keys.pfx");

        var wrong = KeyEncryption.Problems(new StorageOptions { KeyEncryptionCertificatePath = path, KeyEncryptionCertificatePassword = "not-the-password" }).Single();
        var missing = KeyEncryption.Problems(new StorageOptions { KeyEncryptionCertificatePath = Path.Combine(Folder, "nope.pfx") }).Single();
        var orphan = KeyEncryption.Problems(new StorageOptions { KeyEncryptionCertificatePassword = "secret-alone" }).Single();

        Assert.StartsWith("KoboConsole:Storage:KeyEncryptionCertificatePath: the certificate cannot be used", wrong, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", wrong, StringComparison.Ordinal);
        Assert.Contains("no file at", missing, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-alone", orphan, StringComparison.Ordinal);
        Assert.Empty(KeyEncryption.Problems(new StorageOptions { KeyEncryptionCertificatePath = path, KeyEncryptionCertificatePassword = Password }));
    }

    [Fact]
    public async Task Start_WrongCertificatePassword_FailsNamingTheKey()
    {
        var settings = Settings(WritePfx("keys.pfx"), "not-the-password");
        await using var app = new ConsoleAppFactory(settings);

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<StorageOptions>>().Value);

        Assert.Contains("KoboConsole:Storage:KeyEncryptionCertificatePath", error.Message, StringComparison.Ordinal);
    }
}

/// <summary>The key-encryption cases that touch storage, run on each provider (<see cref="KeyEncryptionTests"/>, <see cref="KeyEncryptionPostgresTests"/>).</summary>
public abstract class KeyEncryptionCases : IDisposable
{
    protected const string Password = "pfx-password-1";
    protected string Folder { get; } = Directory.CreateTempSubdirectory("koboconsole-cert-").FullName;

    public void Dispose()
    {
        Directory.Delete(Folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>The console's settings but for the certificate: SQLite in its own data directory unless a subclass says otherwise.</summary>
    protected virtual Dictionary<string, string?> StorageSettings() => RoleClients.NoDocker();

    [Fact]
    public async Task Keys_WithCertificate_AreStoredEncryptedAndALoginSurvivesARestart()
    {
        var path = WritePfx("keys.pfx");
        var settings = Settings(path, Password);
        string cookie;
        string dataDirectory;
        await using (var first = new ConsoleAppFactory(settings))
        {
            dataDirectory = first.DataDirectory;
            using var client = first.CreateBrowserLikeClient();
            using var login = await ConsoleAppFactory.PostLoginAsync(client, ConsoleAppFactory.AdminUser, ConsoleAppFactory.AdminPassword);
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            cookie = login.Headers.GetValues("Set-Cookie").First(c => c.StartsWith("KoboConsole.Auth=", StringComparison.Ordinal)).Split(';')[0];
            var xml = await KeysXmlAsync(first);
            Assert.Contains("EncryptedXmlDecryptor", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<value>", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("unencrypted form", xml, StringComparison.Ordinal);
        }

        // Same database, same certificate: the keys decrypt and the session cookie still signs in.
        settings["KoboConsole:Storage:DataDirectory"] = dataDirectory;
        await using var second = new ConsoleAppFactory(settings, bootstrapAdmin: false);
        using var again = second.CreateBrowserLikeClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users");
        request.Headers.Add("Cookie", cookie);
        using var response = await again.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    protected Dictionary<string, string?> Settings(string path, string password)
    {
        var settings = StorageSettings();
        settings["KoboConsole:Storage:KeyEncryptionCertificatePath"] = path;
        settings["KoboConsole:Storage:KeyEncryptionCertificatePassword"] = password;
        return settings;
    }

    private static async Task<string> KeysXmlAsync(ConsoleAppFactory app)
    {
        await using var c = await app.Services.GetRequiredService<ConsoleDb>().OpenAsync(CancellationToken.None);
        await using var command = c.CreateCommand();
        command.CommandText = app.Services.GetRequiredService<ConsoleDb>().Provider == StorageProvider.PostgreSql
            ? "SELECT string_agg(xml, '') FROM dataprotection_keys"
            : "SELECT group_concat(xml, '') FROM dataprotection_keys";
        return (string)(await command.ExecuteScalarAsync())!;
    }

    protected string WritePfx(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=KoboConsole key encryption", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(Folder, name);
        File.WriteAllBytes(path, cert.Export(X509ContentType.Pfx, Password));
        return path;
    }
}

/// <summary><see cref="KeyEncryptionCases"/> with the keys in a real PostgreSQL (a new database per test).</summary>
public sealed class KeyEncryptionPostgresTests(ConsolePostgresFixture pg) : KeyEncryptionCases, IClassFixture<ConsolePostgresFixture>, IAsyncLifetime
{
    private string _connectionString = "";

    public async Task InitializeAsync() => _connectionString = await pg.NewDatabaseAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    protected override Dictionary<string, string?> StorageSettings()
    {
        var settings = RoleClients.NoDocker();
        settings["KoboConsole:Storage:Provider"] = "PostgreSql";
        settings["KoboConsole:Storage:ConnectionString"] = _connectionString;
        return settings;
    }
}
