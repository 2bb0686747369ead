using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KoboConsole.IntegrationTests.TestBed;

namespace KoboConsole.IntegrationTests.Backups;

/// <summary>
/// npm's s3rver (a real S3 HTTP server that checks signatures) on a free loopback port, with a
/// bucket; installed with npm into the test-bed cache when missing (tests/run-all.sh does it too).
/// </summary>
public sealed class S3rverFixture : IAsyncLifetime
{
    public const string Bucket = "kobo-backups";
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";
    private const string NpmDir = "/var/cache/kobo-testbed/npm";
    private Process? _process;
    private string _dataDir = "";

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Settings for the console app: this server, path-style, no chunk encoding, 5 MB parts.</summary>
    public Dictionary<string, string?> Settings(string prefix) => new()
    {
        ["KoboConsole:Backups:S3:Bucket"] = Bucket,
        ["KoboConsole:Backups:S3:Prefix"] = prefix,
        ["KoboConsole:Backups:S3:ServiceUrl"] = Endpoint.ToString(),
        ["KoboConsole:Backups:S3:ForcePathStyle"] = "true",
        ["KoboConsole:Backups:S3:UseChunkEncoding"] = "false",
        ["KoboConsole:Backups:S3:AccessKeyId"] = AccessKey,
        ["KoboConsole:Backups:S3:SecretAccessKey"] = SecretKey,
        ["KoboConsole:Backups:S3:PartSizeMb"] = "5",
    };

    public async Task InitializeAsync()
    {
        var bin = Path.Combine(NpmDir, "node_modules", ".bin", "s3rver");
        if (!File.Exists(bin))
        {
            var install = await ScriptRunner.RunAsync("npm", ["install", "--prefix", NpmDir, "--no-audit", "--no-fund", "s3rver@3"], TimeSpan.FromMinutes(5), CancellationToken.None);
            Assert.True(install.ExitCode == 0, install.StdErr);
        }

        _dataDir = Directory.CreateTempSubdirectory("kc-s3rver-").FullName;
        var port = FreePort();
        var info = new ProcessStartInfo(bin) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-d", _dataDir, "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-s", "--configure-bucket", Bucket })
        {
            info.ArgumentList.Add(a);
        }

        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var http = new HttpClient();
                await http.GetAsync(Endpoint);
                return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(200);
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }

        return Task.CompletedTask;
    }
}
