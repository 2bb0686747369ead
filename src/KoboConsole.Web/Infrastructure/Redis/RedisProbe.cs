using System.Globalization;
using System.Net.Sockets;
using System.Text;
using KoboConsole.Web.Infrastructure.Probes;

namespace KoboConsole.Web.Infrastructure.Redis;

/// <summary>
/// PING and INFO over Redis's own protocol (RESP) on one short-lived socket: the probe needs three
/// commands, not a connection multiplexer.
/// </summary>
internal sealed class RedisProbe : IRedisProbe
{
    public async Task<RedisStats> ProbeAsync(ProbeTarget target, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(target.Timeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(target.Address, target.Port, timeout.Token);
            await using var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.UTF8, false, 4096, leaveOpen: true);
            if (!string.IsNullOrEmpty(target.Password))
            {
                Expect(await CommandAsync(stream, reader, timeout.Token, "AUTH", target.Password), "AUTH");
            }

            Expect(await CommandAsync(stream, reader, timeout.Token, "PING"), "PING");
            var info = ParseInfo(await CommandAsync(stream, reader, timeout.Token, "INFO"));
            return new RedisStats(
                info.GetValueOrDefault("redis_version", "?"),
                long.Parse(info.GetValueOrDefault("used_memory", "0"), CultureInfo.InvariantCulture),
                long.TryParse(info.GetValueOrDefault("rdb_last_save_time"), CultureInfo.InvariantCulture, out var save) && save > 0 ? DateTimeOffset.FromUnixTimeSeconds(save) : null,
                info.GetValueOrDefault("rdb_last_bgsave_status") == "ok",
                long.TryParse(info.GetValueOrDefault("maxmemory"), CultureInfo.InvariantCulture, out var max) ? max : 0);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ProbeFailedException($"Redis at {target.Address}:{target.Port} did not answer within {target.Timeout.TotalSeconds:0.#} s.");
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            throw new ProbeFailedException($"Redis at {target.Address}:{target.Port}: {ex.Message}", ex);
        }
    }

    private static void Expect(string reply, string command)
    {
        if (reply.StartsWith('-'))
        {
            // Redis's error text ("-WRONGPASS invalid username-password pair") never contains the password.
            throw new ProbeFailedException($"Redis refused {command}: {reply[1..]}");
        }
    }

    private static async Task<string> CommandAsync(NetworkStream stream, StreamReader reader, CancellationToken cancellationToken, params string[] args)
    {
        var request = new StringBuilder().Append(CultureInfo.InvariantCulture, $"*{args.Length}\r\n");
        foreach (var a in args)
        {
            request.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(a)}\r\n{a}\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), cancellationToken);
        var line = await reader.ReadLineAsync(cancellationToken) ?? throw new IOException("Redis closed the connection.");
        if (!line.StartsWith('$'))
        {
            return line; // +PONG, +OK or -ERR ...
        }

        var length = int.Parse(line.AsSpan(1), CultureInfo.InvariantCulture);
        var buffer = new char[length + 2];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await reader.ReadAsync(buffer.AsMemory(read), cancellationToken);
            read += n > 0 ? n : throw new IOException("Redis closed the connection.");
        }

        return new string(buffer, 0, length);
    }

    private static Dictionary<string, string> ParseInfo(string info) =>
        info.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith('#') && l.Contains(':', StringComparison.Ordinal))
            .Select(l => l.Split(':', 2))
            .GroupBy(p => p[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);
}
