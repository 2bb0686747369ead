using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using Docker.DotNet;

namespace KoboConsole.Web.Infrastructure.Docker;

/// <summary>
/// One attached exec over Docker.DotNet's hijacked connection. Reading and writing may run at
/// the same time (they use the two directions of the socket); each direction is used by one caller.
/// </summary>
internal sealed class ExecSession(DockerEngine engine, string containerId, string execId, MultiplexedStream stream, bool tty) : IExecSession
{
    private const int BufferSize = 64 * 1024;
    private const int StdinChunkSize = 1024 * 1024;

    public string ExecId => execId;

    public async Task WriteStdinAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var segment = MemoryMarshal.TryGetArray(data, out var array) ? array : new ArraySegment<byte>(data.ToArray());
        await GuardAsync("write to an exec", () => stream.WriteAsync(segment.Array!, segment.Offset, segment.Count, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// A double-buffered copy: the next chunk is read (and hashed, when the source hashes) on another
    /// thread while this one is written, so reading and writing overlap instead of taking turns. The
    /// buffers are not pooled: a write abandoned by a cancel may still hold one.
    /// </summary>
    public async Task CopyToStdinAsync(Stream source, CancellationToken cancellationToken)
    {
        var front = new byte[StdinChunkSize];
        var back = new byte[StdinChunkSize];
        var n = await source.ReadAtLeastAsync(front, StdinChunkSize, throwOnEndOfStream: false, cancellationToken);
        while (n > 0)
        {
            var into = back;
            var next = Task.Run(async () => await source.ReadAtLeastAsync(into, StdinChunkSize, throwOnEndOfStream: false, cancellationToken), cancellationToken);
            try
            {
                await WriteStdinAsync(front.AsMemory(0, n), cancellationToken);
            }
            finally
            {
                // Never leave a read of the source running: the caller disposes it next.
                await ((Task)next).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            n = await next;
            (front, back) = (back, front);
        }
    }

    public Task CloseStdinAsync(CancellationToken cancellationToken)
        => GuardAsync("close an exec's input", () =>
        {
            stream.CloseWrite();
            return Task.CompletedTask;
        }, cancellationToken);

    public async Task<ExecOutput> ReadOutputAsync(Stream stdout, int maxStderrBytes, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        using var stderr = new MemoryStream();
        long stdoutBytes = 0;
        var truncated = false;
        try
        {
            while (true)
            {
                var read = await ReadAsync(buffer, cancellationToken);
                if (read.EOF)
                {
                    break;
                }

                if (read.Target == MultiplexedStream.TargetStream.StandardError && !tty)
                {
                    stderr.Write(buffer, 0, read.Count);
                    truncated |= KeepTail(stderr, maxStderrBytes, slack: maxStderrBytes);
                    continue;
                }

                await stdout.WriteAsync(buffer.AsMemory(0, read.Count), cancellationToken);
                stdoutBytes += read.Count;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        truncated |= KeepTail(stderr, maxStderrBytes, slack: 0);
        return new ExecOutput(stdoutBytes, Encoding.UTF8.GetString(stderr.GetBuffer(), 0, (int)stderr.Length), truncated);
    }

    public Task<int> WaitForExitAsync(CancellationToken cancellationToken)
        => engine.WaitForExecExitAsync(containerId, execId, cancellationToken);

    public ValueTask DisposeAsync()
    {
        stream.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Keeps the last <paramref name="max"/> bytes once the buffer passes max + slack (errors come last).</summary>
    internal static bool KeepTail(MemoryStream buffer, int max, int slack)
    {
        if (buffer.Length <= (long)max + slack)
        {
            return false;
        }

        var data = buffer.GetBuffer();
        var start = (int)buffer.Length - max;
        Buffer.BlockCopy(data, start, data, 0, max);
        buffer.SetLength(max);
        return true;
    }

    private async Task<MultiplexedStream.ReadResult> ReadAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            // The token reaches the socket read itself (NetworkStream and SslStream honour it); a
            // WaitAsync around every read cost a promise and a registration per frame of a dump.
            return await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
        }
        catch (Exception ex) when (engine.Translate(ex, "read an exec's output", containerId, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    private async Task GuardAsync(string operation, Func<Task> action, CancellationToken cancellationToken)
    {
        try
        {
            await action().WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (engine.Translate(ex, operation, containerId, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }
}
