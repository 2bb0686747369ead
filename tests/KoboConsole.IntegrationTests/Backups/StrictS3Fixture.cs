using System.Diagnostics;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Web.Infrastructure.ObjectStorage;

namespace KoboConsole.IntegrationTests.Backups;

/// <summary>
/// An S3 server that checks SigV4 signatures (npm's @20minutes/s3rver, a fork of s3rver) and
/// implements AbortMultipartUpload and ListMultipartUploads (strict-s3-server.js adds them), so a
/// wrong secret key fails and a leftover multipart upload can be seen. Installed with npm into the
/// test-bed cache when missing (tests/run-all.sh does it too).
/// </summary>
public sealed class StrictS3Fixture : IAsyncLifetime
{
    public const string Bucket = "kobo-strict";
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";
    private const string NpmDir = "/var/cache/kobo-testbed/npm-strict";
    private Process? _process;
    private string _dataDir = "";

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Settings for the console: this server, path-style, no chunk encoding, 5 MB parts.</summary>
    public Dictionary<string, string?> Settings(string prefix, string secret = SecretKey) => new()
    {
        ["KoboConsole:Backups:S3:Bucket"] = Bucket,
        ["KoboConsole:Backups:S3:Prefix"] = prefix,
        ["KoboConsole:Backups:S3:ServiceUrl"] = Endpoint.ToString(),
        ["KoboConsole:Backups:S3:ForcePathStyle"] = "true",
        ["KoboConsole:Backups:S3:UseChunkEncoding"] = "false",
        ["KoboConsole:Backups:S3:AccessKeyId"] = AccessKey,
        ["KoboConsole:Backups:S3:SecretAccessKey"] = secret,
        ["KoboConsole:Backups:S3:PartSizeMb"] = "5",
    };

    /// <summary>A store with the right credentials, to look at what the console left.</summary>
    public IObjectStore Store(string prefix) => ObjectStores.Create(new S3Options
    {
        Bucket = Bucket,
        Prefix = prefix,
        ServiceUrl = Endpoint.ToString(),
        ForcePathStyle = true,
        UseChunkEncoding = false,
        AccessKeyId = AccessKey,
        SecretAccessKey = SecretKey,
    });

    /// <summary>
    /// Keys of the objects stored under <paramref name="prefix"/>, read from the server's folder: the
    /// fork's signature check rejects the .NET SDK's ListObjectsV2 (its canonical query differs).
    /// </summary>
    public IReadOnlyList<string> ObjectKeys(string prefix)
    {
        var root = Path.Combine(_dataDir, Bucket, prefix);
        return Directory.Exists(root)
            ? Directory.GetFiles(root, "*._S3rver_object", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(root, f)[..^"._S3rver_object".Length]).ToList()
            : [];
    }

    public async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(NpmDir, "node_modules", "@20minutes", "s3rver", "lib", "cli.js")))
        {
            var install = await ScriptRunner.RunAsync("npm", ["install", "--prefix", NpmDir, "--no-audit", "--no-fund", "--engine-strict=false", "@20minutes/s3rver@5"],
                TimeSpan.FromMinutes(5), CancellationToken.None);
            Assert.True(install.ExitCode == 0, install.StdErr);
        }

        _dataDir = Directory.CreateTempSubdirectory("kc-strict-s3-").FullName;
        var port = S3rverFixture.FreePort();
        var script = Path.Combine(ScriptRunner.RepoRoot, "tests", "KoboConsole.IntegrationTests", "Backups", "strict-s3-server.js");
        var info = new ProcessStartInfo("node") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { script, _dataDir, port.ToString(System.Globalization.CultureInfo.InvariantCulture), Bucket })
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["NODE_PATH"] = Path.Combine(NpmDir, "node_modules");
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
