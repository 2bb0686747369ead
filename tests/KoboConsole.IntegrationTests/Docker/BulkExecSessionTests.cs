using System.Security.Cryptography;
using System.Text;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.IntegrationTests.Docker;

/// <summary><see cref="ExecSpec.BulkOutput"/> execs: their own connection, read by a dedicated thread (<see cref="SocketExecSession"/>).</summary>
public sealed class BulkExecSessionTests(DockerFixture fixture) : DockerTestBase(fixture)
{
    [Fact]
    public async Task ReadOutputAsync_FortyMegabytesWithStderr_RoundTripsBySha256AndSeparatesStderr()
    {
        var id = await RunIdleAsync();
        // The hash goes to stderr in the middle of the output, so frames of both streams interleave.
        var spec = Bulk("head -c 20971520 /dev/urandom > /tmp/a; head -c 20971521 /dev/urandom > /tmp/b; cat /tmp/a; cat /tmp/a /tmp/b | sha256sum >&2; cat /tmp/b; echo done >&2");
        await using var session = await Engine.StartExecAsync(id, spec, Timeout);
        Assert.IsType<SocketExecSession>(session);

        await using var output = new HashingSink();
        var result = await session.ReadOutputAsync(output, 4096, Timeout);

        Assert.Equal(41943041, result.StdoutBytes);
        Assert.Equal(41943041, output.Length);
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([output.Sha256 + "  -", "done"], lines);
        Assert.Equal(0, await session.WaitForExitAsync(Timeout));
    }

    [Fact]
    public async Task ReadOutputAsync_CommandFailsAfterOutput_KeepsOutputStderrAndExitCode()
    {
        var id = await RunIdleAsync();
        await using var session = await Engine.StartExecAsync(id, Bulk("echo out1; echo err1 >&2; echo out2; echo 'pg_dump: error: no such table' >&2; exit 3"), Timeout);

        using var output = new MemoryStream();
        var result = await session.ReadOutputAsync(output, 4096, Timeout);

        Assert.Equal("out1\nout2\n", Encoding.UTF8.GetString(output.ToArray()));
        Assert.Equal("err1\npg_dump: error: no such table\n", result.Stderr);
        Assert.Equal(3, await session.WaitForExitAsync(Timeout));
    }

    [Fact]
    public async Task ReadOutputAsync_SilenceInTheMiddle_HandsOnWhatArrivedBeforeTheEnd()
    {
        var id = await RunIdleAsync();
        await using var session = await Engine.StartExecAsync(id, Bulk("echo first; sleep 2; echo second"), Timeout);

        var output = new RecordingSink();
        await session.ReadOutputAsync(output, 4096, Timeout);

        // "first" reached the sink on its own, during the silence (progress moves on a slow dump).
        Assert.Equal(["first\n", "second\n"], output.Writes);
        Assert.Equal(0, await session.WaitForExitAsync(Timeout));
    }

    [Fact]
    public async Task ReadOutputAsync_CancelledMidStream_StopsPromptly()
    {
        var id = await RunIdleAsync();
        await using var session = await Engine.StartExecAsync(id, Bulk("while :; do head -c 65536 /dev/zero; sleep 0.01; done"), Timeout);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Timeout);
        var armed = 0;
        var output = new RecordingSink { OnWrite = () => _ = Interlocked.Exchange(ref armed, 1) == 0 && Cancel(cancel) };

        var started = Environment.TickCount64;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.ReadOutputAsync(output, 4096, cancel.Token));

        Assert.True(Environment.TickCount64 - started < 20_000, "a cancelled read must not wait for the command");
        Assert.NotEmpty(output.Writes);
    }

    [Fact]
    public async Task ReadOutputAsync_SinkFails_ThrowsTheSinksErrorNotDockers()
    {
        var id = await RunIdleAsync();
        await using var session = await Engine.StartExecAsync(id, Bulk("head -c 8388608 /dev/zero"), Timeout);
        var output = new RecordingSink { Fail = new IOException("No space left on device") };

        var error = await Assert.ThrowsAsync<IOException>(() => session.ReadOutputAsync(output, 4096, Timeout));

        Assert.Equal("No space left on device", error.Message);
    }

    [Fact]
    public async Task StartExecAsync_BulkWithStdin_UsesTheNormalSession()
    {
        var id = await RunIdleAsync();
        await using var session = await Engine.StartExecAsync(id, new ExecSpec { Cmd = ["cat"], AttachStdin = true, BulkOutput = true }, Timeout);

        Assert.IsType<ExecSession>(session);
        await session.WriteStdinAsync("x"u8.ToArray(), Timeout);
        await session.CloseStdinAsync(Timeout);
        using var output = new MemoryStream();
        await session.ReadOutputAsync(output, 4096, Timeout);
        Assert.Equal("x", Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public async Task StartAsync_DaemonRefusesTheStart_ThrowsWithStatusAndDaemonMessage()
    {
        // A daemon stand-in on a unix socket that refuses as Docker does for a paused container.
        var path = Path.Combine(Path.GetTempPath(), $"kc-fake-docker-{Guid.NewGuid():N}.sock");
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        listener.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        var request = new StringBuilder();
        var serving = Task.Run(async () =>
        {
            using var client = await listener.AcceptAsync(Timeout);
            var buffer = new byte[4096];
            while (!request.ToString().Contains("\r\n\r\n{", StringComparison.Ordinal))
            {
                var n = await client.ReceiveAsync(buffer, Timeout);
                request.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }

            const string body = "{\"message\":\"Container abc is paused, unpause the container before exec\"}";
            await client.SendAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 409 Conflict\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}"), Timeout);
        });
        using var engine = new DockerEngine(new DockerHostOptions { Name = "fake", Endpoint = "unix://" + path }, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        try
        {
            var error = await Assert.ThrowsAsync<DockerOperationException>(() => SocketExecSession.StartAsync(engine, path, "abc", "exec123", Timeout));

            await serving;
            Assert.Equal(409, error.StatusCode);
            Assert.Equal("Container abc is paused, unpause the container before exec", error.DaemonMessage);
            Assert.StartsWith("POST /exec/exec123/start HTTP/1.1\r\n", request.ToString(), StringComparison.Ordinal);
            Assert.Contains("\r\nUpgrade: tcp\r\n", request.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static bool Cancel(CancellationTokenSource cancel)
    {
        cancel.CancelAfter(TimeSpan.FromMilliseconds(500));
        return true;
    }

    private static ExecSpec Bulk(string script) => new() { Cmd = ["sh", "-c", script], BulkOutput = true };

    private sealed class HashingSink : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _length;

        public string Sha256 => Convert.ToHexStringLower(_hash.GetHashAndReset());

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count)
        {
            _hash.AppendData(buffer, offset, count);
            _length += count;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private sealed class RecordingSink : Stream
    {
        public List<string> Writes { get; } = [];

        public Action? OnWrite { get; init; }

        public Exception? Fail { get; init; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Fail is not null && Writes.Count == 1)
            {
                throw Fail;
            }

            Writes.Add(Encoding.UTF8.GetString(buffer, offset, count));
            OnWrite?.Invoke();
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
