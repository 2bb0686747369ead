using System.Diagnostics;
using System.Globalization;

namespace KoboConsole.E2E;

/// <summary>
/// A prefixed test-bed stack of its own for one browser test, through docker/testbed/stack.sh
/// (see its README); taken down on dispose. <paramref name="letter"/> starts the prefix, so a
/// test's stacks are recognisable in `docker ps`.
/// </summary>
public sealed class TestBedKobo : IAsyncDisposable
{
    private TestBedKobo(string id, IReadOnlyDictionary<string, string> values)
    {
        Id = id;
        Values = values;
    }

    public string Id { get; }

    public IReadOnlyDictionary<string, string> Values { get; }

    public string Prefix => Values["prefix"];

    public int NginxPort => int.Parse(Values["nginx_port"], CultureInfo.InvariantCulture);

    // The images are checked once per test process (browser classes run in parallel; images.sh
    // writes its cache), then stack.sh up is told so and skips its own check.
    private static readonly Lazy<Task> Images = new(async () =>
    {
        await RunAsync("bash", Script("images.sh"), "all");
        Environment.SetEnvironmentVariable("KOBO_TESTBED_IMAGES_READY", "1");
    });

    public static async Task<TestBedKobo> UpAsync(string letter)
    {
        var id = $"tb-prefixed-{Guid.NewGuid():N}"[..22];
        await Images.Value;
        var stack = new TestBedKobo(id, new Dictionary<string, string>());
        try
        {
            var output = await RunAsync("bash", Script("stack.sh"), "up", "prefixed", id, "--prefix", letter + id[^6..]);
            var values = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
            return new TestBedKobo(id, values);
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>nginx's published port now (the test bed publishes an ephemeral port; Docker may pick another on restart).</summary>
    public async Task<int> CurrentNginxPortAsync()
    {
        var line = (await RunAsync("docker", "port", Values["container.nginx"], "80/tcp")).Split('\n')[0];
        return int.Parse(line[(line.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>Runs the docker CLI; exit code and both outputs, for tests that check failures too.</summary>
    public static Task<(int Code, string StdOut, string StdErr)> DockerAsync(params string[] args) => TryRunAsync("docker", args);

    public async ValueTask DisposeAsync() => await RunAsync("bash", Script("stack.sh"), "down", Id);

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KoboConsole.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("KoboConsole.sln not found above the test binaries.");
    }

    private static string Script(string name) => Path.Combine(RepoRoot(), "docker", "testbed", name);

    private static async Task<string> RunAsync(string file, params string[] args)
    {
        var (code, stdout, stderr) = await TryRunAsync(file, args);
        return code == 0 ? stdout : throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {stderr}");
    }

    private static async Task<(int Code, string StdOut, string StdErr)> TryRunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(9));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
