using System.Security.Cryptography;
using System.Text;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.IntegrationTests.Docker;

public sealed class ExecSessionTests(DockerFixture fixture) : DockerTestBase(fixture)
{
    [Fact]
    public async Task StartExecAsync_StdinWrittenBeforeOutputIsRead_DoesNotDeadlock()
    {
        var id = await RunIdleAsync();
        var input = RandomNumberGenerator.GetBytes(4 * 1024 * 1024);
        await using var session = await Engine.StartExecAsync(id, new ExecSpec { Cmd = ["cat"], AttachStdin = true }, Timeout);

        // More than every pipe and socket buffer together: cat blocks on its output until we read.
        var writing = Task.Run(async () =>
        {
            await session.WriteStdinAsync(input, Timeout);
            await session.CloseStdinAsync(Timeout);
        });
        await Task.Delay(300, Timeout);
        using var output = new MemoryStream();
        await session.ReadOutputAsync(output, 64 * 1024, Timeout);
        await writing;

        Assert.Equal(SHA256.HashData(input), SHA256.HashData(output.ToArray()));
        Assert.Equal(0, await session.WaitForExitAsync(Timeout));
    }

    [Fact]
    public async Task CloseStdinAsync_WcCountingBytes_EndsInputAndExitsZero()
    {
        var id = await RunIdleAsync();
        await using var session = await Engine.StartExecAsync(id, new ExecSpec { Cmd = ["wc", "-c"], AttachStdin = true }, Timeout);

        await session.WriteStdinAsync(new byte[12345], Timeout);
        await session.CloseStdinAsync(Timeout);
        using var output = new MemoryStream();
        await session.ReadOutputAsync(output, 4096, Timeout);

        Assert.Equal("12345", Encoding.UTF8.GetString(output.ToArray()).Trim());
        Assert.Equal(0, await session.WaitForExitAsync(Timeout));
    }

    [Fact]
    public async Task StartExecAsync_EightMegabytesThroughCat_RoundTripsBySha256()
    {
        var id = await RunIdleAsync();
        var input = RandomNumberGenerator.GetBytes(8 * 1024 * 1024);
        var expected = Convert.ToHexStringLower(SHA256.HashData(input));
        var spec = new ExecSpec { Cmd = ["sh", "-c", "cat > /tmp/blob && sha256sum /tmp/blob >&2 && cat /tmp/blob"], AttachStdin = true };
        await using var session = await Engine.StartExecAsync(id, spec, Timeout);

        var writing = Task.Run(async () =>
        {
            using var source = new MemoryStream(input);
            await session.CopyToStdinAsync(source, Timeout);
            await session.CloseStdinAsync(Timeout);
        });
        using var output = new MemoryStream();
        var result = await session.ReadOutputAsync(output, 4096, Timeout);
        await writing;

        Assert.StartsWith(expected, result.Stderr, StringComparison.Ordinal);
        Assert.Equal(input.Length, result.StdoutBytes);
        Assert.Equal(expected, Convert.ToHexStringLower(SHA256.HashData(output.ToArray())));
        Assert.Equal(0, await session.WaitForExitAsync(Timeout));
    }

    [Fact]
    public async Task ExecAsync_ShellExitsThree_ReturnsExitCodeThree()
    {
        var id = await RunIdleAsync();

        var result = await Engine.ExecAsync(id, ["sh", "-c", "exit 3"], Timeout);

        Assert.Equal(3, result.ExitCode);
    }

    [Fact]
    public async Task ExecAsync_WritesToBothStreams_SeparatesStderrFromStdout()
    {
        var id = await RunIdleAsync();

        var result = await Engine.ExecAsync(id, ["sh", "-c", "echo out1; echo err1 >&2; echo out2; echo err2 >&2"], Timeout);

        Assert.Equal("out1\nout2\n", result.Stdout);
        Assert.Equal("err1\nerr2\n", result.Stderr);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task StartExecAsync_EnvUserAndWorkingDir_AreApplied()
    {
        var id = await RunIdleAsync();
        var spec = new ExecSpec { Cmd = ["sh", "-c", "echo $KOBO_TOKEN; pwd; id -u"], Env = ["KOBO_TOKEN=t0ken"], User = "65534", WorkingDir = "/tmp" };
        await using var session = await Engine.StartExecAsync(id, spec, Timeout);

        using var output = new MemoryStream();
        await session.ReadOutputAsync(output, 4096, Timeout);

        Assert.Equal("t0ken\n/tmp\n65534\n", Encoding.UTF8.GetString(output.ToArray()));
        Assert.Equal(0, await session.WaitForExitAsync(Timeout));
    }

    [Fact]
    public async Task StartExecAsync_Tty_ReadsOneStream()
    {
        var id = await RunIdleAsync();
        await using var session = await Engine.StartExecAsync(id, new ExecSpec { Cmd = ["sh", "-c", "echo out; echo err >&2"], Tty = true }, Timeout);

        using var output = new MemoryStream();
        var result = await session.ReadOutputAsync(output, 4096, Timeout);

        Assert.Equal("out\r\nerr\r\n", Encoding.UTF8.GetString(output.ToArray()));
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public async Task ExecAsync_NotRunningContainer_ThrowsOperationErrorWithDaemonMessage()
    {
        var id = await CreateAsync(new ContainerSpec { Image = DockerFixture.Image, Name = UniqueName("idle"), Cmd = ["true"] });

        var error = await Assert.ThrowsAsync<DockerOperationException>(() => Engine.ExecAsync(id, ["true"], Timeout));

        Assert.Contains("is not running", error.DaemonMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecAsync_ContainerGone_ThrowsContainerNotFound()
    {
        await Assert.ThrowsAsync<ContainerNotFoundException>(() => Engine.ExecAsync("kc-da-no-such-container", ["true"], Timeout));
    }
}
