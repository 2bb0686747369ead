using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace KoboConsole.Web.Infrastructure.Docker;

/// <summary>
/// An exec's output read over a unix-socket connection of its own (decision 0011). Docker.DotNet
/// reads a hijacked stream with async socket calls through a 1 KiB buffer: every Docker frame (a
/// few KiB of a dump) costs an epoll wake-up, a thread-pool hand-off and two or three reads, and on
/// a small machine that CPU is taken from the <c>pg_dump</c> being read. Here one dedicated thread
/// makes blocking reads into a 256 KiB buffer, pauses briefly when little has arrived (so one read
/// collects many frames), demultiplexes, and hands stdout to the caller in chunks of up to 256 KiB.
/// No stdin, no TTY. The exec is created by Docker.DotNet; only its start (the hijack) is done here.
/// </summary>
internal sealed class SocketExecSession : IExecSession
{
    internal const int ChunkSize = 256 * 1024;
    private const int Chunks = 3;
    private const int StagingSize = 256 * 1024;
    private const int HeaderLimit = 16 * 1024;
    private static readonly TimeSpan HandshakeLimit = TimeSpan.FromSeconds(30);

    // A read that returns less than this means the data trickles in: wait a little before the next
    // read, so it collects several frames (at a dump's 10 MB/s, 10 ms is about 100 KiB, well within
    // the socket's buffer, so the sender never waits). A faster source fills reads and never pauses.
    private const int SmallRead = 64 * 1024;
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(10);

    // A partial chunk is handed on after this long, so progress moves on a slow source.
    private const long FlushMilliseconds = 250;

    private readonly DockerEngine _engine;
    private readonly string _containerId;
    private readonly Socket _socket;
    private readonly byte[] _leftover;
    private int _aborted;

    private SocketExecSession(DockerEngine engine, string containerId, string execId, Socket socket, byte[] leftover)
    {
        _engine = engine;
        _containerId = containerId;
        ExecId = execId;
        _socket = socket;
        _leftover = leftover;
    }

    public string ExecId { get; }

    /// <summary>
    /// Starts exec <paramref name="execId"/> on the daemon at <paramref name="socketPath"/> and
    /// returns once Docker switched the connection to the exec's stream (HTTP 101).
    /// </summary>
    public static async Task<SocketExecSession> StartAsync(DockerEngine engine, string socketPath, string containerId, string execId, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        // Blocking calls on a socket that never sees an async one (which would make it
        // non-blocking for good); off the caller's thread, and cut by the token or after 30 s
        // (a blocking connect has no timeout of its own).
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(HandshakeLimit);
        try
        {
            byte[] leftover;
            using (limit.Token.Register(socket.Dispose))
            {
                leftover = await Task.Run(() => Handshake(socket, socketPath, execId), CancellationToken.None);
            }

            limit.Token.ThrowIfCancellationRequested();
            return new SocketExecSession(engine, containerId, execId, socket, leftover);
        }
        catch (Exception ex)
        {
            socket.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            if (limit.IsCancellationRequested)
            {
                ex = new TimeoutException($"the daemon did not start the exec within {HandshakeLimit.TotalSeconds:0} s", ex);
            }

            throw ex is StartRefusedException refused
                ? engine.ExecStartRefused(refused.Status, refused.Body, containerId)
                : engine.Translate(ex, "start an exec", containerId, cancellationToken) ?? ex;
        }
    }

    public Task WriteStdinAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => throw NoStdin();

    public Task CopyToStdinAsync(Stream source, CancellationToken cancellationToken) => throw NoStdin();

    public Task CloseStdinAsync(CancellationToken cancellationToken) => throw NoStdin();

    public async Task<ExecOutput> ReadOutputAsync(Stream stdout, int maxStderrBytes, CancellationToken cancellationToken)
    {
        using var free = new BlockingCollection<byte[]>(Chunks);
        for (var i = 0; i < Chunks; i++)
        {
            free.Add(new byte[ChunkSize], CancellationToken.None);
        }

        var full = Channel.CreateUnbounded<(byte[] Buffer, int Count)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        // The reading's failures are Docker's (translated); the sink's (a full disk, S3) pass as they are.
        var pump = new Pump(_socket, _leftover, free, full.Writer, maxStderrBytes, ex => Translated(ex, cancellationToken));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var thread = new Thread(() => pump.Run(stop.Token)) { IsBackground = true, Name = "exec output" };
        thread.Start();
        using (stop.Token.Register(Abort))
        {
            try
            {
                await foreach (var (buffer, count) in full.Reader.ReadAllAsync(CancellationToken.None))
                {
                    await stdout.WriteAsync(buffer.AsMemory(0, count), cancellationToken);
                    free.Add(buffer, CancellationToken.None);
                }
            }
            finally
            {
                // Also when the sink failed: the reading stops before the failure goes on.
                await stop.CancelAsync();
                await Task.Run(thread.Join, CancellationToken.None);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return pump.Result;
    }

    public Task<int> WaitForExitAsync(CancellationToken cancellationToken)
        => _engine.WaitForExecExitAsync(_containerId, ExecId, cancellationToken);

    public ValueTask DisposeAsync()
    {
        Abort();
        return ValueTask.CompletedTask;
    }

    private static byte[] Handshake(Socket socket, string socketPath, string execId)
    {
        socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        socket.ReceiveTimeout = 30_000;
        const string body = "{\"Detach\":false,\"Tty\":false}";
        var request = $"POST /exec/{Uri.EscapeDataString(execId)}/start HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\n"
            + $"Connection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: {body.Length}\r\n\r\n{body}";
        socket.Send(Encoding.ASCII.GetBytes(request));

        var buffer = new byte[HeaderLimit];
        var filled = 0;
        int end;
        while ((end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (filled == buffer.Length)
            {
                throw new IOException("the daemon's answer to an exec start has headers over 16 KiB.");
            }

            var n = socket.Receive(buffer, filled, buffer.Length - filled, SocketFlags.None);
            if (n == 0)
            {
                throw new IOException("the daemon closed the connection before it answered the exec start.");
            }

            filled += n;
        }

        var head = Encoding.ASCII.GetString(buffer, 0, end);
        var status = StatusOf(head);
        var rest = buffer.AsSpan(end + 4, filled - end - 4).ToArray();
        if (status is 101 or 200)
        {
            // The stream follows; from here on a read waits as long as the command is silent.
            socket.ReceiveTimeout = (int)FlushMilliseconds;
            return rest;
        }

        throw new StartRefusedException(status, ReadBody(socket, head, rest));
    }

    internal static int StatusOf(string head)
    {
        var line = head.Split("\r\n", 2)[0];
        var parts = line.Split(' ', 3);
        return parts.Length >= 2 && parts[0].StartsWith("HTTP/", StringComparison.Ordinal)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status)
            ? status
            : throw new IOException($"the daemon's answer to an exec start is not HTTP: '{line}'.");
    }

    private static string ReadBody(Socket socket, string head, byte[] rest)
    {
        var length = head.Split("\r\n").Select(h => h.Split(':', 2)).Where(h => h.Length == 2 && h[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(h => int.TryParse(h[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : 0).FirstOrDefault();
        var body = new MemoryStream();
        body.Write(rest);
        var buffer = new byte[4096];
        try
        {
            while (body.Length < Math.Min(length, HeaderLimit))
            {
                var n = socket.Receive(buffer);
                if (n == 0)
                {
                    break;
                }

                body.Write(buffer, 0, n);
            }
        }
        catch (SocketException)
        {
            // What arrived is the message.
        }

        return Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
    }

    private static InvalidOperationException NoStdin() => new("this exec was started without stdin (ExecSpec.BulkOutput); attach stdin with a normal exec.");

    private Exception Translated(Exception ex, CancellationToken cancellationToken)
        => ex is DockerException ? ex : _engine.Translate(ex, "read an exec's output", _containerId, cancellationToken) ?? ex;

    private void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) == 0)
        {
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Closed already.
            }

            _socket.Dispose();
        }
    }

    private sealed class StartRefusedException(int status, string body) : Exception($"exec start refused with HTTP {status}")
    {
        public int Status { get; } = status;

        public string Body { get; } = body;
    }

    /// <summary>The reading thread: socket → frames → stdout chunks (to the caller) and the stderr tail.</summary>
    private sealed class Pump(Socket socket, byte[] leftover, BlockingCollection<byte[]> free, ChannelWriter<(byte[] Buffer, int Count)> full, int maxStderrBytes, Func<Exception, Exception> translate)
    {
        private long _stdoutBytes;
        private bool _truncated;
        private byte[]? _chunk;
        private int _filled;
        private long _lastHandOff = Environment.TickCount64;

        public ExecOutput Result { get; private set; } = new(0, "", false);

        public void Run(CancellationToken cancellationToken)
        {
            using var stderr = new MemoryStream();
            try
            {
                Read(stderr, cancellationToken);
                HandOff();
                _truncated |= ExecSession.KeepTail(stderr, maxStderrBytes, 0);
                Result = new ExecOutput(_stdoutBytes, Encoding.UTF8.GetString(stderr.GetBuffer(), 0, (int)stderr.Length), _truncated);
                full.TryComplete();
            }
            catch (Exception ex)
            {
                Exception error;
                try
                {
                    error = cancellationToken.IsCancellationRequested ? new OperationCanceledException(cancellationToken) : translate(ex);
                }
                catch (Exception failed)
                {
                    error = failed;
                }

                full.TryComplete(error);
            }
            finally
            {
                // Whatever happened above, the caller's loop over the chunks ends.
                full.TryComplete();
            }
        }

        private void Read(MemoryStream stderr, CancellationToken cancellationToken)
        {
            var staging = new byte[StagingSize];
            leftover.CopyTo(staging, 0);
            int start = 0, end = leftover.Length, remaining = 0;
            byte target = 1;
            while (true)
            {
                while (start < end)
                {
                    if (remaining == 0)
                    {
                        if (end - start < 8)
                        {
                            break;
                        }

                        target = staging[start];
                        if (target > 3)
                        {
                            throw new IOException($"the exec's output has an unknown stream type {target}.");
                        }

                        remaining = BinaryPrimitives.ReadInt32BigEndian(staging.AsSpan(start + 4, 4));
                        start += 8;
                        continue;
                    }

                    var n = Math.Min(remaining, end - start);
                    if (target is 2 or 3)
                    {
                        stderr.Write(staging, start, n);
                        _truncated |= ExecSession.KeepTail(stderr, maxStderrBytes, maxStderrBytes);
                    }
                    else
                    {
                        Stdout(staging.AsSpan(start, n), cancellationToken);
                    }

                    start += n;
                    remaining -= n;
                }

                if (_filled > 0 && Environment.TickCount64 - _lastHandOff >= FlushMilliseconds)
                {
                    HandOff();
                }

                if (start == end)
                {
                    start = end = 0;
                }
                else if (StagingSize - end < 8)
                {
                    Buffer.BlockCopy(staging, start, staging, 0, end - start);
                    end -= start;
                    start = 0;
                }

                int read;
                try
                {
                    read = socket.Receive(staging, end, StagingSize - end, SocketFlags.None);
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
                {
                    // Silent for a while: hand on what there is, then wait again.
                    continue;
                }

                if (read == 0)
                {
                    if (remaining > 0 || start < end)
                    {
                        throw new EndOfStreamException("the exec's output ended in the middle of a frame.");
                    }

                    return;
                }

                end += read;
                if (read < SmallRead)
                {
                    Thread.Sleep(Pause);
                }
            }
        }

        private void Stdout(ReadOnlySpan<byte> data, CancellationToken cancellationToken)
        {
            while (data.Length > 0)
            {
                _chunk ??= free.Take(cancellationToken);
                var n = Math.Min(ChunkSize - _filled, data.Length);
                data[..n].CopyTo(_chunk.AsSpan(_filled));
                _filled += n;
                _stdoutBytes += n;
                data = data[n..];
                if (_filled == ChunkSize)
                {
                    HandOff();
                }
            }
        }

        private void HandOff()
        {
            if (_chunk is not null && _filled > 0)
            {
                full.TryWrite((_chunk, _filled));
                _chunk = null;
                _filled = 0;
            }

            _lastHandOff = Environment.TickCount64;
        }
    }
}
