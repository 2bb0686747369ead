using System.Globalization;
using KoboConsole.Web.Infrastructure.Probes;
using StackExchange.Redis;

namespace KoboConsole.Web.Infrastructure.Redis;

/// <summary>
/// PING and INFO through StackExchange.Redis on a connection of its own for each probe (a probe
/// every few minutes does not need a multiplexer kept open, and its target can change with the stack).
/// </summary>
internal sealed class RedisProbe : IRedisProbe
{
    public async Task<RedisStats> ProbeAsync(ProbeTarget target, CancellationToken cancellationToken)
    {
        var timeout = (int)Math.Ceiling(target.Timeout.TotalMilliseconds);
        var options = new ConfigurationOptions
        {
            EndPoints = { { target.Address, target.Port } },
            Password = string.IsNullOrEmpty(target.Password) ? null : target.Password,
            AbortOnConnectFail = true,
            ConnectRetry = 0,
            ConnectTimeout = timeout,
            AsyncTimeout = timeout,
            SyncTimeout = timeout,
            ClientName = "koboconsole-probe",
            // INFO is an admin command to StackExchange.Redis; the probe sends nothing else that is.
            AllowAdmin = true,
            // One interactive connection: no pub/sub connection, no configuration channel.
            ConfigurationChannel = "",
            CommandMap = CommandMap.Create(new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "SUBSCRIBE" }, available: false),
        };

        var connecting = ConnectionMultiplexer.ConnectAsync(options, TextWriter.Null);
        try
        {
            await using var redis = await connecting.WaitAsync(target.Timeout, cancellationToken);
            var server = redis.GetServer(target.Address, target.Port);
            await server.PingAsync().WaitAsync(target.Timeout, cancellationToken);
            var info = ParseInfo(await server.InfoRawAsync().WaitAsync(target.Timeout, cancellationToken) ?? "");
            return new RedisStats(
                info.GetValueOrDefault("redis_version", "?"),
                long.Parse(info.GetValueOrDefault("used_memory", "0"), CultureInfo.InvariantCulture),
                long.TryParse(info.GetValueOrDefault("rdb_last_save_time"), CultureInfo.InvariantCulture, out var save) && save > 0 ? DateTimeOffset.FromUnixTimeSeconds(save) : null,
                info.GetValueOrDefault("rdb_last_bgsave_status") == "ok",
                long.TryParse(info.GetValueOrDefault("maxmemory"), CultureInfo.InvariantCulture, out var max) ? max : 0);
        }
        catch (Exception ex) when (ex is TimeoutException or RedisTimeoutException)
        {
            Abandon(connecting);
            throw new ProbeFailedException($"Redis at {target.Address}:{target.Port} did not answer within {target.Timeout.TotalSeconds:0.#} s.");
        }
        catch (RedisConnectionException ex) when (ex.FailureType == ConnectionFailureType.AuthenticationFailure)
        {
            // Redis's error text ("WRONGPASS invalid username-password pair") never contains the password.
            throw new ProbeFailedException($"Redis refused AUTH: {Innermost(ex).Message}", ex);
        }
        catch (RedisServerException ex)
        {
            throw new ProbeFailedException($"Redis refused the probe: {ex.Message}", ex);
        }
        catch (RedisException ex)
        {
            throw new ProbeFailedException($"Redis at {target.Address}:{target.Port}: {Innermost(ex).Message}", ex);
        }
        catch (OperationCanceledException)
        {
            Abandon(connecting);
            throw;
        }
    }

    /// <summary>A connection still being made when the probe gave up is closed once it is made.</summary>
    private static void Abandon(Task<ConnectionMultiplexer> connecting) =>
        _ = connecting.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is { } inner)
        {
            ex = inner;
        }

        return ex;
    }

    private static Dictionary<string, string> ParseInfo(string info) =>
        info.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith('#') && l.Contains(':', StringComparison.Ordinal))
            .Select(l => l.Split(':', 2))
            .GroupBy(p => p[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);
}
