using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Testing;

namespace KoboConsole.IntegrationTests.Maintenance;

/// <summary>A prefixed test-bed stack, the console managing only it, an operator's API client and a public client.</summary>
public sealed class MaintenanceBed : IAsyncDisposable
{
    private readonly TestBedFixture _fixture;

    private readonly Dictionary<string, string?> _settings;

    private readonly IReadOnlyList<string> _upOptions;

    private MaintenanceBed(TestBedFixture fixture, StackInfo info, Dictionary<string, string?> settings, IReadOnlyList<string> upOptions)
    {
        _fixture = fixture;
        _upOptions = upOptions;
        _settings = settings;
        Info = info;
        App = null!;
        Api = null!;
    }

    public StackInfo Info { get; }

    public ConsoleAppFactory App { get; private set; }

    public HttpClient Api { get; private set; }

    /// <summary>The console's data directory, kept across <see cref="RestartAppAsync"/>.</summary>
    public string DataDirectory => _settings["KoboConsole:Storage:DataDirectory"]!;

    public HttpClient Public { get; } = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>
    /// The stack may be one an earlier test left as new (<see cref="StackPool"/>); it goes back there
    /// at the end when this test leaves it so (maintenance off, nothing left beside it).
    /// </summary>
    public static async Task<MaintenanceBed> UpAsync(TestBedFixture fixture, string letter, Dictionary<string, string?>? settings = null, IReadOnlyList<string>? upOptions = null)
    {
        upOptions ??= [];
        var info = await fixture.RentAsync("prefixed", letter, upOptions, CancellationToken.None);
        try
        {
            var all = new Dictionary<string, string?>(settings ?? [])
            {
                ["KoboConsole:Maintenance:PrepareAhead"] = settings?.GetValueOrDefault("KoboConsole:Maintenance:PrepareAhead") ?? "true",
                ["KoboConsole:Stack:Prefix"] = info.Prefix,
                ["KoboConsole:Storage:DataDirectory"] = Directory.CreateTempSubdirectory("koboconsole-maint-").FullName,
            };
            var bed = new MaintenanceBed(fixture, info, all, upOptions);
            await bed.StartAppAsync();
            return bed;
        }
        catch
        {
            await fixture.DownAsync(info.Stack, CancellationToken.None);
            throw;
        }
    }

    /// <summary>nginx's published port now: the test bed publishes an ephemeral port, which Docker may change on restart.</summary>
    public async Task<int> NginxPortAsync()
    {
        var result = await ScriptRunner.DockerAsync(Info.FrontendDocker, ["port", Info.Containers["nginx"], "80/tcp"], CancellationToken.None);
        var line = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()
            ?? throw new InvalidOperationException($"nginx publishes no port: {result.StdErr}");
        return int.Parse(line[(line.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
    }

    public Task<HttpResponseMessage> GetPublicAsync(int port, string path = "/") =>
        Public.GetAsync(new Uri($"http://127.0.0.1:{port}{path}"));

    /// <summary>"name state" of the containers of the stack's maintenance project (running or not), but the one prepared ahead while it is not running.</summary>
    public async Task<IReadOnlyList<string>> MaintenanceContainersAsync() =>
        (await ProjectContainersAsync()).Where(c => c.Prepared is null || c.State == "running").Select(c => $"{c.Name} {c.State}").ToList();

    /// <summary>The console's maintenance containers made ahead (label <c>org.koboconsole.maintenance.prepared</c>), whatever their state.</summary>
    public async Task<IReadOnlyList<(string Name, string State, string? Prepared)>> PreparedContainersAsync() =>
        (await ProjectContainersAsync()).Where(c => c.Prepared is not null).ToList();

    private async Task<IReadOnlyList<(string Name, string State, string? Prepared)>> ProjectContainersAsync()
    {
        var result = await ScriptRunner.DockerAsync(Info.FrontendDocker,
            ["ps", "-a", "--filter", $"label=com.docker.compose.project={Info.Prefix}-kobomaintenance",
                "--format", "{{.Names}} {{.State}} {{.Label \"org.koboconsole.maintenance.prepared\"}}"], CancellationToken.None);
        return result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(' '))
            .Select(p => (p[0], p[1], p.Length > 2 && p[2].Length > 0 ? p[2] : null))
            .ToList();
    }

    /// <summary>Stops the console and starts a new one on the same data directory, as after a crash or an upgrade.</summary>
    public async Task RestartAppAsync()
    {
        Api.Dispose();
        await App.DisposeAsync();
        await StartAppAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Api?.Dispose();
        Public.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        // The container made ahead is the console's; the stack goes back to the pool as a new one would be.
        foreach (var (name, _, _) in await PreparedContainersAsync())
        {
            await ScriptRunner.DockerAsync(Info.FrontendDocker, ["rm", "-f", name], CancellationToken.None);
        }

        await _fixture.ReturnAsync(Info, _upOptions);
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold a file for a moment; the OS cleans temp folders.
        }
    }

    private async Task StartAppAsync()
    {
        App = new ConsoleAppFactory(_settings);
        Api = App.CreateClient();
        using var created = await Api.PostAsJsonAsync("/api/v1/tokens", new { username = ConsoleAppFactory.AdminUser, password = ConsoleAppFactory.AdminPassword, name = "maintenance tests" });
        created.EnsureSuccessStatusCode();
        var token = (await created.Content.ReadFromJsonAsync<TokenBody>())!.Token;
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    private sealed record TokenBody(string Token);
}
