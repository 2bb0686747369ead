using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace KoboConsole.Web.Infrastructure.Docker;

// Long-lived responses: logs and events.
internal sealed partial class DockerEngine
{
    public async IAsyncEnumerable<LogLine> ReadLogsAsync(string id, LogQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // A TTY container has one plain stream; the others are multiplexed with 8-byte frame headers.
        var tty = (await InspectContainerAsync(id, cancellationToken)).Tty;
        var parameters = new ContainerLogsParameters
        {
            ShowStdout = true,
            ShowStderr = true,
            Follow = query.Follow,
            Timestamps = query.Timestamps,
            Tail = query.Tail?.ToString(CultureInfo.InvariantCulture) ?? "all",
            Since = query.Since is { } since ? UnixTime(since) : null,
        };
        using var stream = await CallAsync("read container logs", id, (c, ct) => c.Containers.GetContainerLogsAsync(id, tty, parameters, ct), cancellationToken);
        var stdout = new LogLineAssembler(tty ? LogSource.Tty : LogSource.Stdout, query.Timestamps);
        var stderr = new LogLineAssembler(LogSource.Stderr, query.Timestamps);
        var completed = new List<LogLine>();
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (true)
            {
                var read = await ReadChunkAsync(stream, buffer, id, cancellationToken);
                if (read.EOF)
                {
                    break;
                }

                var assembler = read.Target == MultiplexedStream.TargetStream.StandardError ? stderr : stdout;
                assembler.Append(buffer.AsSpan(0, read.Count), completed);
                foreach (var line in completed)
                {
                    yield return line;
                }

                completed.Clear();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (stdout.Flush() is { } lastOut)
        {
            yield return lastOut;
        }

        if (stderr.Flush() is { } lastErr)
        {
            yield return lastErr;
        }
    }

    public async IAsyncEnumerable<EngineEvent> StreamEventsAsync(EventQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filters = DockerMapping.LabelFilters(query.Labels);
        if (query.Types.Count > 0)
        {
            filters["type"] = query.Types.ToDictionary(t => t, _ => true);
        }

        if (query.ContainerId is not null)
        {
            filters["container"] = new Dictionary<string, bool> { [query.ContainerId] = true };
        }

        var parameters = new ContainerEventsParameters
        {
            Since = query.Since is { } since ? UnixTime(since) : null,
            Until = query.Until is { } until ? UnixTime(until) : null,
            Filters = filters,
        };
        // The raw stream overload is marked obsolete in favour of IProgress callbacks, which cannot
        // give back-pressure or an IAsyncEnumerable; it is the same request, read line by line.
#pragma warning disable CS0618
        using var stream = await CallAsync("stream events", null, (c, ct) => c.System.MonitorEventsAsync(parameters, ct), cancellationToken);
#pragma warning restore CS0618
        using var reader = new StreamReader(stream);
        while (await ReadLineAsync(reader, cancellationToken) is { } line)
        {
            // Docker cannot filter events out, only in: exec noise is dropped here.
            if (ParseEvent(line) is { } e && (query.IncludeExec || !e.Action.StartsWith("exec_", StringComparison.Ordinal)))
            {
                yield return e;
            }
        }
    }

    public async Task<ContainerStatsReading> ReadStatsAsync(string id, CancellationToken cancellationToken)
    {
        // One-shot: the engine answers from its current counters instead of waiting a second for
        // a second read (precpu); the CPU share comes from the caller's previous reading.
        var parameters = new ContainerStatsParameters { Stream = false, OneShot = true };
#pragma warning disable CS0618 // the raw stream overload: parsed here, without the library's models
        using var stream = await CallAsync("read container stats", id, (c, ct) => c.Containers.GetContainerStatsAsync(id, parameters, ct), cancellationToken);
#pragma warning restore CS0618
        using var reader = new StreamReader(stream);
        var json = await ReadLineAsync(reader, cancellationToken)
            ?? throw new DockerOperationException(Name, "read container stats", null, "the engine sent no stats", null);
        try
        {
            return ContainerStatsParser.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new DockerOperationException(Name, "read container stats", null, ex.Message, ex);
        }
    }

    private async Task<MultiplexedStream.ReadResult> ReadChunkAsync(MultiplexedStream stream, byte[] buffer, string id, CancellationToken cancellationToken)
    {
        try
        {
            return await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (Translate(ex, "read container logs", id, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    private async Task<string?> ReadLineAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadLineAsync(cancellationToken).AsTask().WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (Translate(ex, "stream events", null, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    private static EngineEvent? ParseEvent(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            // One unreadable event must not end the stream the topology page lives on.
            return null;
        }

        using var _ = doc;
        var root = doc.RootElement;
        var attributes = new Dictionary<string, string>();
        var actorId = "";
        if (root.TryGetProperty("Actor", out var actor))
        {
            actorId = actor.TryGetProperty("ID", out var aid) ? aid.GetString() ?? "" : "";
            if (actor.TryGetProperty("Attributes", out var attrs) && attrs.ValueKind == JsonValueKind.Object)
            {
                foreach (var a in attrs.EnumerateObject())
                {
                    attributes[a.Name] = a.Value.GetString() ?? "";
                }
            }
        }

        var time = root.TryGetProperty("timeNano", out var nano) && nano.TryGetInt64(out var ns)
            ? DateTimeOffset.UnixEpoch.AddTicks(ns / 100)
            : DateTimeOffset.FromUnixTimeSeconds(root.TryGetProperty("time", out var t) ? t.GetInt64() : 0);
        return new EngineEvent(
            root.TryGetProperty("Type", out var type) ? type.GetString() ?? "" : "",
            root.TryGetProperty("Action", out var action) ? action.GetString() ?? "" : "",
            actorId,
            attributes,
            time);
    }

    /// <summary>Docker's <c>since</c>/<c>until</c>: Unix seconds with a fraction.</summary>
    private static string UnixTime(DateTimeOffset time)
    {
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return string.Create(CultureInfo.InvariantCulture, $"{ticks / TimeSpan.TicksPerSecond}.{ticks % TimeSpan.TicksPerSecond * 100:D9}");
    }
}
