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

    /// <summary>
    /// How many stacks a whole run of this project brings up: BackupsBesideKoboPage, BackupsPage,
    /// OverviewAndJobs, TopologyPage, MaintenancePage, PhoneLayout, DrillCard and the two restore
    /// wizard tests. More than the classes take are taken down at the end; fewer are made on demand.
    /// </summary>
    private const int StockSize = 9;

    /// <summary>
    /// With KOBO_E2E_STACK_STOCK=1 (tests/run-all.sh sets it), the first stack asked for brings
    /// up the whole run's stacks at once, a few at a time, before any page is open: Chromium aborts
    /// a page load with ERR_NETWORK_CHANGED when a stack's networks appear under it, so stacks
    /// cannot be made ahead while another class browses, and one after another they took minutes.
    /// </summary>
    private static readonly Lazy<Task<System.Collections.Concurrent.ConcurrentQueue<TestBedKobo>>> Stock = new(async () =>
    {
        using var gate = new SemaphoreSlim(3);
        var ups = Enumerable.Range(0, StockSize).Select(async _ =>
        {
            await gate.WaitAsync();
            try
            {
                return await StartAsync("e");
            }
            catch (InvalidOperationException)
            {
                return null; // made on demand instead, where the failure is the test's to report
            }
            finally
            {
                gate.Release();
            }
        });
        var stock = new System.Collections.Concurrent.ConcurrentQueue<TestBedKobo>((await Task.WhenAll(ups)).OfType<TestBedKobo>());
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            // Stacks no class took: down before the process goes (tests/run-all.sh also removes leftovers).
            Task.WaitAll([.. stock.Select(s => s.DisposeAsync().AsTask())], TimeSpan.FromMinutes(2));
        };
        return stock;
    });

    public static async Task<TestBedKobo> UpAsync(string letter)
    {
        await Images.Value;
        if (Environment.GetEnvironmentVariable("KOBO_E2E_STACK_STOCK") == "1" && (await Stock.Value).TryDequeue(out var ready))
        {
            return ready;
        }

        return await StartAsync(letter);
    }

    private static async Task<TestBedKobo> StartAsync(string letter)
    {
        var id = $"tb-prefixed-{Guid.NewGuid():N}"[..22];
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
