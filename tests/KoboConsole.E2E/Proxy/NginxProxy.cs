using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace KoboConsole.E2E.Proxy;

/// <summary>
/// Debian's nginx run as a plain process (not a system service) with docker/nginx/koboconsole.conf,
/// its listen ports, certificate and upstream replaced for this test: everything else is the
/// example users copy. A self-signed certificate from openssl makes the proxy speak TLS. Several
/// consoles become several upstream servers; the access log names the upstream(s) of each request.
/// </summary>
public sealed class NginxProxy : IAsyncDisposable
{
    private readonly Process _process;

    private NginxProxy(Process process, string directory, int httpsPort)
    {
        _process = process;
        Directory = directory;
        HttpsPort = httpsPort;
    }

    public string Directory { get; }

    public int HttpsPort { get; }

    /// <summary>SHA-1 hash of the proxy's self-signed certificate, for clients that pin it.</summary>
    public string CertificateHash
    {
        get
        {
            using var cert = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(Directory, "proxy.pem")));
            return cert.GetCertHashString();
        }
    }

    public string AccessLog => File.Exists(Path.Combine(Directory, "access.log")) ? File.ReadAllText(Path.Combine(Directory, "access.log")) : "";

    /// <summary>A browser context for the proxy's address (its self-signed certificate accepted).</summary>
    public Task<Microsoft.Playwright.IBrowserContext> NewContextAsync(Microsoft.Playwright.IBrowser browser) =>
        browser.NewContextAsync(new Microsoft.Playwright.BrowserNewContextOptions
        {
            BaseURL = $"https://127.0.0.1:{HttpsPort}",
            IgnoreHTTPSErrors = true,
            ViewportSize = new() { Width = 1400, Height = 900 },
        });

    public static async Task<NginxProxy> StartAsync(string repoRoot, params Uri[] consoles)
    {
        const string nginx = "/usr/sbin/nginx";
        if (!File.Exists(nginx))
        {
            throw new InvalidOperationException($"{nginx} is missing: install Debian's nginx-light (tests/run-all.sh does).");
        }

        var dir = System.IO.Directory.CreateTempSubdirectory("kc-nginx-").FullName;
        await RunAsync("chmod", ["755", dir]); // nginx's workers (not root) read and write below it
        await RunAsync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-keyout", Path.Combine(dir, "proxy.key"), "-out", Path.Combine(dir, "proxy.pem")]);
        var (httpPort, httpsPort) = (FreePort(), FreePort());
        var site = await File.ReadAllTextAsync(Path.Combine(repoRoot, "docker", "nginx", "koboconsole.conf"));
        site = Replace(site, "listen 80;", $"listen 127.0.0.1:{httpPort};");
        site = Replace(site, "listen 443 ssl;", $"listen 127.0.0.1:{httpsPort} ssl;");
        site = Replace(site, "/etc/ssl/certs/console.example.org.pem", Path.Combine(dir, "proxy.pem"));
        site = Replace(site, "/etc/ssl/private/console.example.org.key", Path.Combine(dir, "proxy.key"));
        site = Replace(site, "server 127.0.0.1:5080;", string.Join("\n    ", consoles.Select(c => $"server 127.0.0.1:{c.Port};")));
        await File.WriteAllTextAsync(Path.Combine(dir, "koboconsole.conf"), site);
        await File.WriteAllTextAsync(Path.Combine(dir, "nginx.conf"), $$"""
            pid {{dir}}/nginx.pid;
            error_log {{dir}}/error.log info;
            worker_processes 1;
            events { worker_connections 256; }
            http {
                # nginx's combined format up to the status, then the upstream(s) tried: "a, b" when it failed over.
                log_format upstreams '$remote_addr [$time_local] "$request" $status $body_bytes_sent upstream=$upstream_addr';
                access_log {{dir}}/access.log upstreams;
                client_body_temp_path {{dir}}/body;
                proxy_temp_path {{dir}}/proxy;
                include {{dir}}/koboconsole.conf;
            }
            """);

        var start = new ProcessStartInfo(nginx) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-p", dir, "-c", Path.Combine(dir, "nginx.conf"), "-g", "daemon off;" })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start");
        var proxy = new NginxProxy(process, dir, httpsPort);
        for (var i = 0; i < 100; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited ({process.ExitCode}): {await process.StandardError.ReadToEndAsync()}");
            }

            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, httpsPort);
                return proxy;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        await proxy.DisposeAsync();
        throw new TimeoutException($"nginx did not listen on {httpsPort} within 10 s");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    // A line the example no longer has would silently test another configuration.
    private static string Replace(string text, string line, string with) => text.Contains(line, StringComparison.Ordinal)
        ? text.Replace(line, with, StringComparison.Ordinal)
        : throw new InvalidOperationException($"docker/nginx/koboconsole.conf no longer contains '{line}': update NginxProxy.");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed ({process.ExitCode}): {await error}");
        }
    }
}
