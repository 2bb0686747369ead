using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Testing;
using Microsoft.AspNetCore.SignalR.Client;

namespace KoboConsole.IntegrationTests.Logs;

/// <summary>The console's Release build as a separate process (for benchmarks: its memory is its own).</summary>
internal sealed class ConsoleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dataDir;

    private ConsoleProcess(Process process, Uri address, string dataDir)
    {
        _process = process;
        Address = address;
        _dataDir = dataDir;
    }

    public Uri Address { get; }

    public static async Task<ConsoleProcess> StartAsync(string prefix)
    {
        var project = Path.Combine(ScriptRunner.RepoRoot, "src", "KoboConsole.Web");
        var dll = Path.Combine(project, "bin", "Release", "net10.0", "KoboConsole.Web.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"Build it first: dotnet build -c Release src/KoboConsole.Web ({dll} is missing).");
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var dataDir = Directory.CreateTempSubdirectory("koboconsole-bench-").FullName;
        var info = new ProcessStartInfo("dotnet", [dll]) { WorkingDirectory = project, RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["KoboConsole__Storage__DataDirectory"] = dataDir;
        info.Environment["KoboConsole__Auth__BootstrapAdmin__Username"] = ConsoleAppFactory.AdminUser;
        info.Environment["KoboConsole__Auth__BootstrapAdmin__Password"] = ConsoleAppFactory.AdminPassword;
        info.Environment["KoboConsole__Stack__Prefix"] = prefix;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(info)!;
        // The console's own log, for when a benchmark fails.
        var log = new StreamWriter("/tmp/kobo-bench-console.log", append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { lock (log) { log.WriteLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.WriteLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var console = new ConsoleProcess(process, new Uri($"http://127.0.0.1:{port}/"), dataDir);
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

    public async Task<HubConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = Address };
        using var response = await http.PostAsync(new Uri("/api/v1/tokens", UriKind.Relative),
            JsonContent.Create(new { username = ConsoleAppFactory.AdminUser, password = ConsoleAppFactory.AdminPassword, name = "bench" }), cancellationToken);
        var token = (await response.Content.ReadFromJsonAsync<Dictionary<string, string>>(cancellationToken))!["token"];
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(Address, "/hubs/logs"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        await hub.StartAsync(cancellationToken);
        return hub;
    }

    /// <summary>Resident memory of the console process, from /proc.</summary>
    public long RssMb()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
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
