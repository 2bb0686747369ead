using System.Diagnostics;
using System.Net.Sockets;

namespace KoboConsole.IntegrationTests.Configuration;

/// <summary>The console as an admin starts it: a real process, configured by environment variables.</summary>
public sealed class StartupProcessTests
{
    [Theory]
    [InlineData("KoboConsole__Storage__Provider", "PostgreSql", "KoboConsole:Storage:ConnectionString: required when")]
    [InlineData("KoboConsole__Storage__Provider", "Postgres", "KoboConsole:Storage:Provider: cannot be read; expected one of Sqlite, PostgreSql")]
    [InlineData("KoboConsole__Auth__LockoutThreshold", "0", "KoboConsole:Auth:LockoutThreshold: The field LockoutThreshold must be between 1 and 100")]
    [InlineData("KoboConsole__Auth__LockoutThreshold", "many", "KoboConsole:Auth:LockoutThreshold: cannot be read; expected a whole number")]
    [InlineData("KoboConsole__Auth__BootstrapAdmin__Username", "admin", "KoboConsole:Auth:BootstrapAdmin: set both Username and Password")]
    public async Task Start_BadSetting_StopsWithKeyNamedAndExitCode2(string variable, string value, string expected)
    {
        using var process = await ConsoleProcess.StartAsync(new() { [variable] = value });

        var exited = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exited, "the console kept running with a bad setting");
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("KoboConsole cannot start: the configuration is invalid.", process.Stderr, StringComparison.Ordinal);
        Assert.Contains(expected, process.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", process.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_SecretInBadSetting_IsNeverPrinted()
    {
        using var process = await ConsoleProcess.StartAsync(new()
        {
            ["KoboConsole__Auth__BootstrapAdmin__Username"] = "admin",
            ["KoboConsole__Auth__BootstrapAdmin__Password"] = "tooshort9",
        });

        await process.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("KoboConsole:Auth:BootstrapAdmin:Password: must be at least", process.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("tooshort9", process.Stdout + process.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_UnknownKoboConsoleVariable_WarnsAndStillServes()
    {
        using var process = await ConsoleProcess.StartAsync(new() { ["KoboConsole__Storage__Provder"] = "Sqlite" });

        var healthy = await process.WaitForHealthyAsync(TimeSpan.FromSeconds(60));

        Assert.True(healthy, process.Stdout + process.Stderr);
        Assert.Contains("KoboConsole__Storage__Provder matches no KoboConsole setting", process.Stdout, StringComparison.Ordinal);
    }
}

/// <summary>Runs the built KoboConsole.Web.dll with its own data directory and port.</summary>
internal sealed class ConsoleProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _stdout = new();
    private readonly System.Text.StringBuilder _stderr = new();
    private readonly string _dataDirectory;

    private ConsoleProcess(Process process, string dataDirectory, int port)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        Port = port;
    }

    public int Port { get; }

    public int ExitCode => _process.ExitCode;

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static Task<ConsoleProcess> StartAsync(Dictionary<string, string> environment, string? dll = null, string? workingDirectory = null)
    {
        var port = FreePort();
        var data = Directory.CreateTempSubdirectory("koboconsole-proc-").FullName;
        dll ??= typeof(Program).Assembly.Location;
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("KoboConsole__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["KoboConsole__Storage__DataDirectory"] = data;
        info.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (k, v) in environment)
        {
            info.Environment[k] = v;
        }

        var process = new Process { StartInfo = info };
        var result = new ConsoleProcess(process, data, port);
        process.OutputDataReceived += (_, e) => Append(result._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(result._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return Task.FromResult(result);
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            _process.WaitForExit(); // flushes the redirected streams
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async Task<bool> WaitForHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{Port}/healthz"));
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        return false;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static void Append(System.Text.StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (target)
        {
            target.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
