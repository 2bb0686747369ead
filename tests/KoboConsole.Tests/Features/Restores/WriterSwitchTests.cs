using KoboConsole.Tests.Infrastructure.Docker;
using KoboConsole.Web.Features.Restores;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Tests.Features.Restores;

/// <summary>
/// The writers' switch on the in-memory engine (two hosts): every stop and start under way at
/// once, each stop with its own timeout, and what happens when one writer refuses. The same
/// switch against a real engine and a real restore: the integration project's WriterSwitchTests.
/// </summary>
public sealed class WriterSwitchTests
{
    private static readonly TimeSpan Fallback = TimeSpan.FromSeconds(30);
    private readonly MemoryEngine _front = new("front");
    private readonly MemoryEngine _back = new("back");

    private static KoboContainer Writer(MemoryEngine engine, string name, int? stopTimeout = null)
    {
        var id = engine.Add(name, stopTimeoutSeconds: stopTimeout);
        return new KoboContainer(engine.Name, id, name, "kobofe", name.Split('_')[^2], KoboRole.Frontend, "running", "Up", "kobotoolbox/kpi",
            DateTimeOffset.UnixEpoch, false, [], [], new Dictionary<string, string>());
    }

    [Fact]
    public async Task StopAllAsync_WritersOnTwoHosts_AllInFlightAtOnceEachWithItsOwnTimeout()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = new[] { Writer(_front, "kobofe_kpi_1", 60), Writer(_front, "kobofe_enketo_express_1"), Writer(_back, "kobobe_worker_1", 5) };
        foreach (var (engine, name) in new[] { (_front, "kobofe_kpi_1"), (_front, "kobofe_enketo_express_1"), (_back, "kobobe_worker_1") })
        {
            engine.When("stop", name, _ => gate.Task);
        }

        var switcher = new WriterSwitch(new MemoryHosts(_front, _back));
        var stopping = switcher.StopAllAsync(writers, Fallback, _ => Task.CompletedTask, CancellationToken.None);
        await WaitUntil(() => _front.InFlight == 2 && _back.InFlight == 1);
        gate.SetResult();
        var result = await stopping;

        Assert.Empty(result.Failures);
        Assert.Equal(3, result.Stopped.Count);
        Assert.All(writers, w => Assert.False((w.Host == "front" ? _front : _back).IsRunning(w.Name)));
        Assert.Equal(TimeSpan.FromSeconds(60), _front.StopTimeouts["kobofe_kpi_1"]);
        Assert.Equal(Fallback, _front.StopTimeouts["kobofe_enketo_express_1"]); // compose set none: the configured one
        Assert.Equal(TimeSpan.FromSeconds(5), _back.StopTimeouts["kobobe_worker_1"]);
    }

    [Fact]
    public async Task StopAllAsync_OneWriterRefuses_ItIsNamedAndTheOthersStopAndAreRecorded()
    {
        var writers = new[] { Writer(_front, "kobofe_kpi_1"), Writer(_front, "kobofe_enketo_express_1"), Writer(_back, "kobobe_worker_1") };
        _front.When("stop", "kobofe_enketo_express_1", _ => throw new DockerOperationException("front", "stop a container", 500, "cannot kill container: permission denied"));
        var recorded = new List<string>();

        var result = await new WriterSwitch(new MemoryHosts(_front, _back)).StopAllAsync(writers, Fallback, w =>
        {
            recorded.Add(w.Name);
            return Task.CompletedTask;
        }, CancellationToken.None);

        var failure = Assert.Single(result.Failures);
        Assert.Contains("kobofe_enketo_express_1 on front did not stop", failure, StringComparison.Ordinal);
        Assert.Contains("permission denied", failure, StringComparison.Ordinal);
        Assert.Equal(["kobobe_worker_1", "kobofe_kpi_1"], recorded.Order(StringComparer.Ordinal));
        Assert.Equal(recorded.Order(StringComparer.Ordinal), result.Stopped.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.True(_front.IsRunning("kobofe_enketo_express_1")); // the refusing one is still up: the rollback starts only the stopped ones
    }

    [Fact]
    public async Task StopAllAsync_CallbacksRunOneAtATime()
    {
        var writers = Enumerable.Range(1, 5).Select(i => Writer(_back, $"kobobe_worker_{i}")).ToList();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var w in writers)
        {
            _back.When("stop", w.Name, _ => gate.Task); // all five stop at the same moment
        }

        var inside = 0;
        var most = 0;
        var stopping = new WriterSwitch(new MemoryHosts(_front, _back)).StopAllAsync(writers, Fallback, async _ =>
        {
            most = Math.Max(most, Interlocked.Increment(ref inside));
            await Task.Delay(20);
            Interlocked.Decrement(ref inside);
        }, CancellationToken.None);
        await WaitUntil(() => _back.InFlight == 5);
        gate.SetResult();
        await stopping;

        Assert.Equal(1, most); // the caller records each writer in its own state without a lock
        Assert.Equal(5, _back.MaxInFlight); // while the stops themselves all ran at once
    }

    [Fact]
    public async Task StartAllAsync_OneGoneOneRefusing_TheOthersStartedAndEachReported()
    {
        var kpi = Writer(_front, "kobofe_kpi_1");
        var enketo = Writer(_front, "kobofe_enketo_express_1");
        var worker = Writer(_back, "kobobe_worker_1");
        var switcher = new WriterSwitch(new MemoryHosts(_front, _back));
        var stopped = await switcher.StopAllAsync([kpi, enketo, worker], Fallback, _ => Task.CompletedTask, CancellationToken.None);
        await _back.RemoveContainerAsync(worker.Id, force: true, CancellationToken.None); // removed meanwhile (a compose up recreated it)
        _front.When("start", "kobofe_enketo_express_1", _ => throw new DockerOperationException("front", "start a container", 500, "port is already allocated"));

        var result = await switcher.StartAllAsync(stopped.Stopped, _ => Task.CompletedTask, CancellationToken.None);

        Assert.Equal("kobofe_kpi_1", Assert.Single(result.Started).Name);
        Assert.Equal("kobobe_worker_1", Assert.Single(result.Gone).Name);
        Assert.Contains("kobofe_enketo_express_1 on front did not start: ", Assert.Single(result.Failures), StringComparison.Ordinal);
        Assert.True(_front.IsRunning("kobofe_kpi_1"));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "the condition did not hold within 10 s");
            await Task.Delay(5);
        }
    }
}
