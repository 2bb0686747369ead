using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.Testing;

/// <summary>
/// The real console app, in-process, with its own empty data directory (real SQLite files),
/// and optionally on a real loopback port (for a browser). Settings use configuration keys,
/// e.g. "KoboConsole:Auth:BootstrapAdmin:Username".
/// </summary>
public sealed partial class ConsoleAppFactory : WebApplicationFactory<Program>
{
    public const string AdminUser = "admin";
    public const string AdminPassword = "admin-password-1";

    private readonly Dictionary<string, string?> _settings;
    private readonly bool _realPort;

    public ConsoleAppFactory(IDictionary<string, string?>? settings = null, bool bootstrapAdmin = true, bool realPort = false,
        System.Security.Cryptography.X509Certificates.X509Certificate2? httpsCertificate = null)
    {
        DataDirectory = Directory.CreateTempSubdirectory("koboconsole-test-").FullName;
        _settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["KoboConsole:Storage:DataDirectory"] = DataDirectory,
            // Background checks add Docker and database traffic to every test host; the tests of
            // the checks turn them on (KoboConsole:Checks:Enabled=true in their settings).
            ["KoboConsole:Checks:Enabled"] = "false",
            // Likewise the maintenance container made ahead beside each nginx; MaintenanceBed turns it on.
            ["KoboConsole:Maintenance:PrepareAhead"] = "false",
            // ASP.NET's line per request and per static file buried the failures in CI's output;
            // the console's own categories keep their levels (tests read them for leaked secrets).
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        };
        if (bootstrapAdmin)
        {
            _settings["KoboConsole:Auth:BootstrapAdmin:Username"] = AdminUser;
            _settings["KoboConsole:Auth:BootstrapAdmin:Password"] = AdminPassword;
        }

        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            _settings[k] = v;
        }

        _realPort = realPort || httpsCertificate is not null;
        if (httpsCertificate is not null)
        {
            // A real TLS endpoint (cookies marked Secure, HSTS-like behaviour) with a certificate the test made.
            UseKestrel(o => o.Listen(IPAddress.Loopback, 0, l => l.UseHttps(httpsCertificate)));
        }
        else if (realPort)
        {
            // The factory's own switch from TestServer to Kestrel (.NET 10), on a free loopback port.
            UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        }
    }

    public string DataDirectory { get; }

    /// <summary>The base address of the real server (after <see cref="StartRealServer"/>).</summary>
    public Uri? ServerAddress { get; private set; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>Starts Kestrel on a free loopback port and returns its address.</summary>
    public Uri StartRealServer()
    {
        if (!_realPort)
        {
            throw new InvalidOperationException("Create the factory with realPort: true.");
        }

        StartServer();
        var addresses = Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
        ServerAddress = new Uri(addresses.First());
        return ServerAddress;
    }

    public HttpClient CreateBrowserLikeClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>Signs in through the real login form (antiforgery included); returns the response.</summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string username, string password, CancellationToken cancellationToken = default)
    {
        var token = await GetAntiforgeryTokenAsync(client, "/login", cancellationToken);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.Username"] = username,
            ["Input.Password"] = password,
        });
        return await client.PostAsync(new Uri("/login", UriKind.Relative), form, cancellationToken);
    }

    public static async Task<string> GetAntiforgeryTokenAsync(HttpClient client, string path, CancellationToken cancellationToken = default)
    {
        var html = await client.GetStringAsync(new Uri(path, UriKind.Relative), cancellationToken);
        var match = AntiforgeryField().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException($"No antiforgery token on {path}.");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold a file for a moment; the OS cleans temp folders.
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
