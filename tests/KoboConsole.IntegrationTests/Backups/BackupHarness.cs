using System.Text.Json;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Backups;

/// <summary>
/// A prefixed test-bed stack of its own, the real console app pointed at it (by prefix) with its
/// own backup directory, and helpers to run backups and look inside the stack's containers.
/// </summary>
internal sealed class BackupHarness : IAsyncDisposable
{
    public const string Engine = "unix:///var/run/docker.sock";

    private readonly TestBedFixture _fixture;
    private readonly bool _ownDirectory;
    private readonly bool _pooled;

    private BackupHarness(TestBedFixture fixture, StackInfo stack, string directory, bool ownDirectory, bool pooled, ConsoleAppFactory app)
    {
        _fixture = fixture;
        _pooled = pooled;
        Stack = stack;
        Directory = directory;
        _ownDirectory = ownDirectory;
        App = app;
    }

    public StackInfo Stack { get; }

    public string Directory { get; }

    public ConsoleAppFactory App { get; }

    public string Postgres => Stack.Containers["postgres"];

    public string KoboDockerDir => Stack.Values["kobo_docker_dir"];

    /// <param name="koboDirectory">
    /// Relative to the stack's kobo-docker folder: "" leaves KoboConsole:Backups:Directory unset (the
    /// console's default, <c>&lt;kobo-docker&gt;/backups/console</c>), "backups" sets it to kobo's own folder.
    /// Null (and no <paramref name="directory"/>): a temporary folder of the test's own.
    /// </param>
    /// <param name="fresh">
    /// A new stack of the test's own, taken down at the end. Without it the stack may come from
    /// <see cref="StackPool"/> (a stack an earlier test left as new) and goes back there when the
    /// test leaves it so. A test that writes into the stack's kobo-docker folder always gets a new one.
    /// </param>
    /// <param name="postgresRoles">With role words ("primary/secondary", "master/slave"), a streaming secondary on a second engine, which the console knows as host "back2" (the stack's own engine is "main").</param>
    public static async Task<BackupHarness> StartAsync(TestBedFixture fixture, string tag, IDictionary<string, string?>? settings = null, string? directory = null,
        bool realPort = false, string? koboDirectory = null, string? postgresRoles = null, bool fresh = false, IReadOnlyList<string>? stackOptions = null)
    {
        var pooled = !fresh && koboDirectory is null && postgresRoles is null && stackOptions is null;
        StackInfo stack;
        if (pooled)
        {
            stack = await fixture.RentAsync("prefixed", tag, [], CancellationToken.None);
        }
        else
        {
            var id = TestBedFixture.NewStackId("prefixed");
            stack = await fixture.UpAsync("prefixed", id, tag + id[^6..], [.. postgresRoles is null ? [] : new[] { "--postgres-secondary", postgresRoles }, .. stackOptions ?? []],
                CancellationToken.None);
        }

        var prefix = stack.Prefix;
        settings = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        if (postgresRoles is not null)
        {
            settings["KoboConsole:Docker:Hosts:0:Name"] = "main";
            settings["KoboConsole:Docker:Hosts:0:Endpoint"] = Engine;
            settings["KoboConsole:Docker:Hosts:1:Name"] = "back2";
            settings["KoboConsole:Docker:Hosts:1:Endpoint"] = stack.Values["postgres_secondary_docker"];
        }

        var kobo = stack.Values["kobo_docker_dir"];
        var dir = koboDirectory switch
        {
            "" => Path.Combine(kobo, "backups", BackupTargetResolver.ConsoleFolder),
            { } relative => Path.Combine(kobo, relative),
            null => directory ?? System.IO.Directory.CreateTempSubdirectory("kc-backups-").FullName,
        };
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["KoboConsole:Stack:Prefix"] = prefix,
        };
        if (koboDirectory != "")
        {
            all["KoboConsole:Backups:Directory"] = dir;
        }

        // The stack's own folder (removed with the stack) or the caller's is not ours to delete.
        return new BackupHarness(fixture, stack, dir, directory is null && koboDirectory is null, pooled, new ConsoleAppFactory(all, realPort: realPort));
    }

    /// <summary>Runs a backup in the test's thread (the Hangfire path is tested through the API).</summary>
    public async Task<RunView> BackupAsync(params string[] stores)
    {
        var runId = await CreateRunAsync(stores);
        await WithinAsync(App.Services.GetRequiredService<BackupRunner>().RunAsync(runId, CancellationToken.None), App.Services.GetRequiredService<RunStore>(), runId);
        return (await App.Services.GetRequiredService<RunStore>().GetAsync(runId, CancellationToken.None))!;
    }

    /// <summary>
    /// Awaits a run started in the test, but fails the test (with the run's state and log) when it
    /// has not ended within <paramref name="limit"/> (default 6 minutes): a run that hangs fails
    /// its own test instead of stalling the test host until the blame collector kills it.
    /// </summary>
    public static async Task WithinAsync(Task run, RunStore runs, string runId, TimeSpan? limit = null)
    {
        var max = limit ?? TimeSpan.FromMinutes(6);
        try
        {
            await run.WaitAsync(max);
        }
        catch (TimeoutException)
        {
            var view = await runs.GetAsync(runId, CancellationToken.None);
            throw new TimeoutException($"run {runId} did not end within {max.TotalMinutes} min; it is '{view?.State}', "
                + $"items: {string.Join(", ", view?.Items.Select(i => $"{i.Name} {i.State} {i.Bytes} B") ?? [])}; log:\n{string.Join('\n', view?.Log ?? [])}");
        }
    }

    public Task<string> CreateRunAsync(params string[] stores) => CreateRunAsync(BackupTargets.Disk, stores);

    public Task<string> CreateRunAsync(string target, string[] stores) =>
        App.Services.GetRequiredService<RunStore>().CreateAsync(BackupRunner.Kind, "test",
            JsonSerializer.Serialize(new StartBackupRequest(stores, target), BackupManifest.Json), CancellationToken.None);

    /// <summary>Runs a backup to <paramref name="target"/> in the test's thread.</summary>
    public async Task<RunView> BackupToAsync(string target, params string[] stores)
    {
        var runId = await CreateRunAsync(target, stores);
        await WithinAsync(App.Services.GetRequiredService<BackupRunner>().RunAsync(runId, CancellationToken.None), App.Services.GetRequiredService<RunStore>(), runId);
        return (await App.Services.GetRequiredService<RunStore>().GetAsync(runId, CancellationToken.None))!;
    }

    public async Task<BackupManifest> ManifestAsync()
    {
        var file = Assert.Single(System.IO.Directory.GetFiles(Path.Combine(Directory, BackupManifest.Folder)));
        return JsonSerializer.Deserialize<BackupManifest>(await File.ReadAllBytesAsync(file), BackupManifest.Json)!;
    }

    /// <summary>Every file under the backup directory, relative, partial files included.</summary>
    public IReadOnlyList<string> Files() => System.IO.Directory.Exists(Directory)
        ? System.IO.Directory.GetFiles(Directory, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Directory, f)).Order(StringComparer.Ordinal).ToList()
        : [];

    public static Task<ProcessResult> DockerAsync(params string[] args) => ScriptRunner.DockerAsync(Engine, args, CancellationToken.None);

    public async Task<string> PsqlAsync(string database, string sql)
    {
        var r = await DockerAsync("exec", Postgres, "psql", "-U", Stack.PostgresUser, "-d", database, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql);
        Assert.True(r.ExitCode == 0, r.StdErr);
        return r.StdOut.Trim();
    }

    /// <summary>A table big enough that a dump takes a few seconds (random text compresses poorly).</summary>
    public Task CreateBigTableAsync(string database, int rows) =>
        PsqlAsync(database, $"CREATE TABLE big_{Guid.NewGuid():N} AS SELECT g, md5(g::text) || md5((g * 7)::text) || md5(random()::text) AS t FROM generate_series(1, {rows}) g");

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        if (_pooled)
        {
            await _fixture.ReturnAsync(Stack, []);
        }
        else
        {
            await _fixture.DownAsync(Stack.Stack, CancellationToken.None);
        }
        if (_ownDirectory && System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
