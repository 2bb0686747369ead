using System.Text.Json;
using KoboConsole.Tests.Features.Runs;
using KoboConsole.Tests.Infrastructure.Docker;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Features.Upgrades.Images;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.Extensions.Logging.Abstractions;

namespace KoboConsole.Tests.Features.Upgrades.Images;

/// <summary>
/// The recreate runbook's steps on the in-memory engine: the old container is stopped and kept aside
/// under another name until the new one runs, then removed; when the new one cannot start, it goes
/// and the old one gets its name back and runs again. The same against a real engine, with an image
/// that exits at once: the integration project's ImageUpdatesTests.
/// </summary>
public sealed class ImageRecreateRunnerTests : IAsyncLifetime
{
    private const string KpiTag = "kobotoolbox/kpi:2.024.36";
    private const string Kpi = "kobofe-kpi-1";
    private readonly RunDatabase _db = new();
    private readonly MemoryEngine _engine = new("main");
    private ImageUpdateService _updates = null!;
    private ImageRecreateRunner _runner = null!;
    private string _oldImage = "";

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        // No healthcheck here and no exits to wait for: "up" is "running" at once.
        ImageRecreateRunner.StableFor = TimeSpan.Zero;
        _oldImage = _engine.Image(KpiTag, DateTimeOffset.Parse("2026-10-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        _engine.Add(Kpi, labels: new Dictionary<string, string> { [KoboNames.ProjectLabel] = "kobofe", [KoboNames.ServiceLabel] = "kpi" },
            networks: ["kobofe_kobo-fe-network"], image: KpiTag, env: ["DJANGO_DEBUG=False"]);
        var hosts = new MemoryHosts(_engine);
        var discovery = new StackDiscovery(hosts, new Checks.Alerts.AlertHarness.Monitor<StackOptions>(new StackOptions()), TimeProvider.System);
        _updates = new ImageUpdateService(discovery, hosts, _db.Runs, new RecordingJobs(), _db.Audit);
        var scopes = new RunScopes(_db.Runs, _db.Cancellation, _db.Leases, _db.Audit, _db.Time, NullLogger<RunScope>.Instance) { PollInterval = TimeSpan.FromMilliseconds(20) };
        _runner = new ImageRecreateRunner(_db.Runs, scopes, _updates, hosts, null!, _db.Time); // maintenance is not asked for here
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Recreate_NewerImage_OldKeptAsideUntilTheNewRunsThenRemoved()
    {
        var newer = _engine.Image(KpiTag, DateTimeOffset.Parse("2026-12-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

        var run = await RunAsync();

        Assert.True(run.State == RunStates.Succeeded, run.Error);
        var kpi = await _engine.InspectContainerAsync(Kpi, CancellationToken.None);
        Assert.Equal(newer, kpi.ImageId);
        Assert.True(kpi.Running);
        Assert.Contains("DJANGO_DEBUG=False", kpi.Env);
        Assert.Equal(["kobofe_kobo-fe-network"], kpi.Networks.Select(n => n.Name));
        var calls = _engine.Calls.ToList();
        Assert.Equal(["stop " + Kpi, "create " + Kpi, "start " + Kpi], calls.Where(c => c.StartsWith("stop", StringComparison.Ordinal) || c.StartsWith("create", StringComparison.Ordinal) || c.StartsWith("start", StringComparison.Ordinal)));
        Assert.False(_engine.Exists($"{Kpi}-previous-{run.Id[..8]}"));
        Assert.Single(await _engine.ListContainersAsync(new ContainerQuery { All = true }, CancellationToken.None));
        Assert.False((await _updates.ListAsync(CancellationToken.None)).Single().UpdateAvailable);
    }

    [Fact]
    public async Task Recreate_NewContainerCannotStart_RemovedAndTheOldOneRunsUnderItsNameAgain()
    {
        var newer = _engine.Image(KpiTag, DateTimeOffset.Parse("2026-12-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var starts = 0;
        _engine.When("start", Kpi, _ => Interlocked.Increment(ref starts) == 1
            ? Task.FromException(new DockerOperationException("main", "start a container", 500, "OCI runtime create failed: exec: \"kpi-start\": not found"))
            : Task.CompletedTask);

        var run = await RunAsync();

        Assert.Equal(RunStates.Failed, run.State);
        Assert.Contains("OCI runtime create failed", run.Error, StringComparison.Ordinal);
        Assert.Contains($"Rolled back: {Kpi} is the previous container again", run.Error, StringComparison.Ordinal);
        var kpi = await _engine.InspectContainerAsync(Kpi, CancellationToken.None);
        Assert.Equal(_oldImage, kpi.ImageId);
        Assert.True(kpi.Running);
        Assert.Single(await _engine.ListContainersAsync(new ContainerQuery { All = true }, CancellationToken.None));
        Assert.NotEqual(newer, kpi.ImageId);
        Assert.True((await _updates.ListAsync(CancellationToken.None)).Single().UpdateAvailable);
    }

    private async Task<RunView> RunAsync()
    {
        var runId = await _db.Runs.CreateAsync(ImageRecreateRunner.Kind, "ada", JsonSerializer.Serialize(new RecreateRunRequest("kpi", false)), CancellationToken.None);
        await _runner.RunAsync(runId, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return (await _db.Runs.GetAsync(runId, CancellationToken.None))!;
    }
}
