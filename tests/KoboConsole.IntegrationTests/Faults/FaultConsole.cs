using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Testing;

namespace KoboConsole.IntegrationTests.Faults;

/// <summary>
/// The console as a real process over a test-bed stack, driven through its API as an operator
/// would, which can be killed and started again on the same data and backup directories.
/// </summary>
internal sealed class FaultConsole : IAsyncDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private readonly string _prefix;
    private readonly Dictionary<string, string> _environment;
    private ConsoleProcess _process;
    private HttpClient _http;

    private FaultConsole(string prefix, Dictionary<string, string> environment, ConsoleProcess process, HttpClient http)
    {
        _prefix = prefix;
        _environment = environment;
        _process = process;
        _http = http;
    }

    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("kc-fault-data-").FullName;

    public HttpClient Http => _http;

    public int ProcessId => _process.ProcessId;

    public static async Task<FaultConsole> StartAsync(string prefix, Dictionary<string, string> environment)
    {
        var console = new FaultConsole(prefix, environment, null!, null!);
        (console._process, console._http) = await console.LaunchAsync();
        return console;
    }

    /// <summary>SIGKILL and no restart (another instance on the same PostgreSQL must recover its runs).</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>SIGKILL, then a new process on the same data directory (a crash and a restart).</summary>
    public async Task KillAndRestartAsync()
    {
        await _process.KillAsync();
        await _process.DisposeAsync();
        _http.Dispose();
        (_process, _http) = await LaunchAsync();
    }

    public async Task<string> StartBackupAsync(string store, string target)
    {
        using var response = await _http.PostAsJsonAsync(new Uri("/api/v1/backups", UriKind.Relative), new { stores = new[] { store }, target });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
    }

    public async Task<JsonElement> RunAsync(string runId) =>
        await _http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/runs/{runId}", UriKind.Relative));

    /// <summary>Waits until <paramref name="done"/> holds for the run; fails with the run's JSON after <paramref name="timeout"/>.</summary>
    public async Task<JsonElement> WaitRunAsync(string runId, Func<JsonElement, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var run = await RunAsync(runId);
            if (done(run))
            {
                return run;
            }

            Assert.True(DateTime.UtcNow < deadline, $"run {runId} did not reach the expected state: {run}");
            await Task.Delay(100);
        }
    }

    public static bool Finished(JsonElement run) => run.GetProperty("state").GetString() is "succeeded" or "failed" or "cancelled";

    /// <summary>The first item has streamed more than <paramref name="bytes"/>.</summary>
    public static Func<JsonElement, bool> Streamed(long bytes) => run =>
        Finished(run) || run.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("bytes").GetInt64() > bytes);

    /// <summary>A table big enough that a dump takes several seconds (random text compresses poorly).</summary>
    public static async Task CreateBigTableAsync(StackInfo stack, int rows)
    {
        var r = await ScriptRunner.DockerAsync("unix:///var/run/docker.sock", ["exec", stack.Containers["postgres"], "psql", "-U", stack.PostgresUser, "-d", "koboform", "-v", "ON_ERROR_STOP=1", "-c",
            $"CREATE TABLE big_{Guid.NewGuid():N} AS SELECT g, md5(g::text) || md5((g * 7)::text) || md5(random()::text) AS t FROM generate_series(1, {rows}) g"], CancellationToken.None);
        Assert.True(r.ExitCode == 0, r.StdErr);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _process.DisposeAsync();
        Directory.Delete(DataDirectory, recursive: true);
    }

    private async Task<(ConsoleProcess, HttpClient)> LaunchAsync()
    {
        var process = await ConsoleProcess.StartAsync(_prefix, _environment, DataDirectory, Configuration);
        var http = new HttpClient { BaseAddress = process.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await process.TokenAsync(CancellationToken.None));
        return (process, http);
    }
}
