using System.Text;
using KoboConsole.Tests.Features.Checks;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Tests.Features.Stack;

/// <summary>The one exec path of backups and restores, on an in-memory engine: how each ending is told.</summary>
public sealed class ContainerCommandTests
{
    private static readonly CommandFailure Failure = new((m, e) => new InvalidDataException(m, e), "the output is incomplete", "Check why it stopped.");
    private static readonly ContainerDetails Pg = FakeEngine.Container("postgres", "running");

    [Fact]
    public async Task TextAsync_ExitZero_ReturnsStdout()
    {
        var engine = Engine([Pg], new FakeExec("42\n", "", 0));

        var text = await ContainerCommand.TextAsync(engine, Pg.Id, Pg, new ExecSpec { Cmd = ["psql"] }, input: null, "counting", Failure, CancellationToken.None);

        Assert.Equal("42\n", text);
    }

    [Fact]
    public async Task RunAsync_NonZeroExit_FailsInTheFeaturesExceptionWithStderr()
    {
        var engine = Engine([Pg], new FakeExec("", "pg_dump: error: the cause\n", 3));

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() =>
            ContainerCommand.RunAsync(engine, Pg.Id, Pg, new ExecSpec { Cmd = ["pg_dump"] }, null, Stream.Null, "pg_dump of kpi", Failure, CancellationToken.None));

        Assert.Equal("pg_dump of kpi exited with code 3: pg_dump: error: the cause", ex.Message);
    }

    [Fact]
    public async Task RunAsync_ContainerRestartedUnderTheCommand_FailsAsIncompleteWhateverTheExitCode()
    {
        var containers = new List<ContainerDetails> { Pg };
        var exec = new FakeExec("dump", "", 0) { OnExit = () => containers[0] = Pg with { StartedAt = Pg.StartedAt!.Value.AddSeconds(5) } };
        var engine = Engine(containers, exec);

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() =>
            ContainerCommand.RunAsync(engine, Pg.Id, Pg, new ExecSpec { Cmd = ["pg_dump"] }, null, Stream.Null, "pg_dump of kpi", Failure, CancellationToken.None));

        Assert.Equal("container postgres restarted during pg_dump of kpi; the output is incomplete. Check why it stopped.", ex.Message);
    }

    [Fact]
    public async Task RunAsync_CancelledWhileFeedingInput_ClosesInputWaitsAndSaysHowItEnded()
    {
        using var cts = new CancellationTokenSource();
        var exec = new FakeExec("", "input ended early", 1) { OnInput = cts.Cancel };
        var engine = Engine([Pg], exec);

        var result = await ContainerCommand.RunAsync(engine, Pg.Id, Pg, new ExecSpec { Cmd = ["pg_restore"] }, new MemoryStream(new byte[10]), Stream.Null, "pg_restore", Failure, cts.Token);

        Assert.Equal(new CommandResult(1, "input ended early", Cancelled: true), result);
        Assert.True(exec.InputClosed);
    }

    [Fact]
    public async Task InspectRunningAsync_StoppedContainer_NamesItsStateAndHost()
    {
        var stopped = FakeEngine.Container("redis_main", "exited");

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() =>
            ContainerCommand.InspectRunningAsync(Engine([stopped], new FakeExec("", "", 0)), stopped.Id, "the Redis restore", Failure, CancellationToken.None));

        Assert.Equal("container redis_main on main is exited; start it before the Redis restore.", ex.Message);
    }

    private static FakeEngine Engine(IReadOnlyList<ContainerDetails> containers, FakeExec exec) =>
        new(containers, containers.ToDictionary(c => c.Name, c => c.Name)) { Exec = (_, _) => exec };

    private sealed class FakeExec(string stdout, string stderr, int exitCode) : IExecSession
    {
        public Action? OnExit { get; init; }

        public Action? OnInput { get; init; }

        public bool InputClosed { get; private set; }

        public string ExecId => "exec-1";

        public Task WriteStdinAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task CopyToStdinAsync(Stream source, CancellationToken cancellationToken)
        {
            OnInput?.Invoke();
            cancellationToken.ThrowIfCancellationRequested();
            return source.CopyToAsync(Stream.Null, cancellationToken);
        }

        public Task CloseStdinAsync(CancellationToken cancellationToken)
        {
            InputClosed = true;
            return Task.CompletedTask;
        }

        public async Task<ExecOutput> ReadOutputAsync(Stream stdoutTarget, int maxStderrBytes, CancellationToken cancellationToken)
        {
            var bytes = Encoding.UTF8.GetBytes(stdout);
            await stdoutTarget.WriteAsync(bytes, cancellationToken);
            return new ExecOutput(bytes.Length, stderr, false);
        }

        public Task<int> WaitForExitAsync(CancellationToken cancellationToken)
        {
            OnExit?.Invoke();
            return Task.FromResult(exitCode);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
