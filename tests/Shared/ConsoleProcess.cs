using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.SignalR.Client;

namespace KoboConsole.Testing;

/// <summary>
/// The console's build as a separate process (for benchmarks: its memory is its own; for fault
/// tests: it can be SIGKILLed and started again on the same data directory). Shared by the
/// integration and E2E tests.
/// </summary>
internal sealed class ConsoleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dataDir;
    private readonly bool _ownsDataDir;

    private ConsoleProcess(Process process, Uri address, string dataDir, bool ownsDataDir)
    {
        _process = process;
        Address = address;
        _dataDir = dataDir;
        _ownsDataDir = ownsDataDir;
    }

    public string DataDirectory => _dataDir;

    public Uri Address { get; }

    public int ProcessId => _process.Id;

    /// <summary>
    /// Starts the Release build (benchmarks), or <paramref name="configuration"/>'s. A given
    /// <paramref name="dataDir"/> is kept on dispose (the caller owns it); extra settings go in
    /// <paramref name="environment"/> (<c>KoboConsole__Backups__Directory</c>...).
    /// </summary>
    public static async Task<ConsoleProcess> StartAsync(string prefix, IDictionary<string, string>? environment = null, string? dataDir = null, string configuration = "Release")
    {
        // Pages need the static web assets (blazor.web.js, MudBlazor's files): a build output serves
        // them only in Development, a publish output always. Benchmarks with pages set KOBO_CONSOLE_PUBLISH.
        var published = Environment.GetEnvironmentVariable("KOBO_CONSOLE_PUBLISH");
        var project = published ?? Path.Combine(TestRepo.Root, "src", "KoboConsole.Web");
        var dll = published is null ? Path.Combine(project, "bin", configuration, "net10.0", "KoboConsole.Web.dll") : Path.Combine(published, "KoboConsole.Web.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"Build it first: dotnet build -c Release src/KoboConsole.Web, or dotnet publish into KOBO_CONSOLE_PUBLISH ({dll} is missing).");
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var ownsDataDir = dataDir is null;
        dataDir ??= Directory.CreateTempSubdirectory("koboconsole-bench-").FullName;
        var info = new ProcessStartInfo("dotnet", [dll]) { WorkingDirectory = project, RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["KoboConsole__Storage__DataDirectory"] = dataDir;
        info.Environment["KoboConsole__Auth__BootstrapAdmin__Username"] = ConsoleAppFactory.AdminUser;
        info.Environment["KoboConsole__Auth__BootstrapAdmin__Password"] = ConsoleAppFactory.AdminPassword;
        info.Environment["KoboConsole__Stack__Prefix"] = prefix;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        var process = Process.Start(info)!;
        // The console's own log, for when a benchmark fails.
        var log = new StreamWriter("/tmp/kobo-bench-console.log", append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { lock (log) { log.WriteLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.WriteLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var console = new ConsoleProcess(process, new Uri($"http://127.0.0.1:{port}/"), dataDir, ownsDataDir);
        using var http = new HttpClient { BaseAddress = console.Address };
        for (var i = 0; i < 120; i++)
        {
            try
            {
                if ((await http.GetAsync(new Uri("/healthz", UriKind.Relative))).IsSuccessStatusCode)
                {
                    return console;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        await console.DisposeAsync();
        throw new InvalidOperationException("The console process did not answer /healthz within 30 s.");
    }

    /// <summary>A new API token of the bootstrap admin.</summary>
    public async Task<string> TokenAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = Address };
        using var response = await http.PostAsync(new Uri("/api/v1/tokens", UriKind.Relative),
            JsonContent.Create(new { username = ConsoleAppFactory.AdminUser, password = ConsoleAppFactory.AdminPassword, name = "t" + Guid.NewGuid().ToString("N")[..8] }), cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<Dictionary<string, string>>(cancellationToken))!["token"];
    }

    /// <summary>SIGKILL, as a crash or the OOM killer would: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async Task<HubConnection> ConnectAsync(CancellationToken cancellationToken) =>
        await ConnectAsync(await TokenAsync(cancellationToken), cancellationToken);

    /// <summary>A hub connection with a token already made (token requests are limited to 20 a minute).</summary>
    public async Task<HubConnection> ConnectAsync(string token, CancellationToken cancellationToken)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(Address, "/hubs/logs"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        await hub.StartAsync(cancellationToken);
        return hub;
    }

    /// <summary>Resident memory of the console process, from /proc.</summary>
    /// <summary>The process's RSS every 15 s until <paramref name="stop"/> fires, and once more then (benchmarks).</summary>
    public async Task<List<(double Minutes, long RssMb)>> SampleRssUntilAsync(CancellationToken stop)
    {
        var samples = new List<(double Minutes, long RssMb)>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!stop.IsCancellationRequested)
        {
            samples.Add((clock.Elapsed.TotalMinutes, RssMb()));
            await Task.WhenAny(Task.Delay(TimeSpan.FromSeconds(15), CancellationToken.None), Task.Delay(System.Threading.Timeout.Infinite, stop));
        }

        samples.Add((clock.Elapsed.TotalMinutes, RssMb()));
        return samples;
    }

    public long RssMb()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        if (!_ownsDataDir)
        {
            return;
        }

        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // Temp folder: the OS cleans it.
        }
    }
}
