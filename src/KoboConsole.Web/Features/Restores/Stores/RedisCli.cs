using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Restores.Stores;

/// <summary><c>redis-cli</c> in the Redis container; the password travels in REDISCLI_AUTH, never on a command line.</summary>
internal sealed class RedisCli(RestoreTarget target, IReadOnlyList<string> env)
{
    public static RedisCli Of(RestoreTarget target, ContainerDetails redis)
    {
        var vars = ContainerEnv.Of(redis.Env);
        return new RedisCli(target, vars.TryGetValue("REDIS_PASSWORD", out var password) && password.Length > 0 ? [$"REDISCLI_AUTH={password}"] : []);
    }

    public Task<string> RunAsync(string what, CancellationToken cancellationToken, params string[] args) =>
        StdinExec.TextAsync(target, ["redis-cli", .. args], env, what, cancellationToken);

    /// <summary>Where Redis keeps its dump (CONFIG GET), else kobo's path.</summary>
    public async Task<string> RdbPathAsync(CancellationToken cancellationToken)
    {
        try
        {
            var dir = Second(await RunAsync("redis-cli CONFIG GET dir", cancellationToken, "CONFIG", "GET", "dir"));
            var file = Second(await RunAsync("redis-cli CONFIG GET dbfilename", cancellationToken, "CONFIG", "GET", "dbfilename"));
            if (dir is not null && file is not null)
            {
                return dir.TrimEnd('/') + "/" + file;
            }
        }
        catch (RestoreStepException)
        {
            // CONFIG can be renamed away.
        }

        return "/data/enketo-main.rdb";
    }

    /// <summary>Waits until Redis answers PING and has finished loading its dump.</summary>
    public async Task WaitLoadedAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        string last = "no answer";
        while (DateTimeOffset.UtcNow < deadline)
        {
            try
            {
                var info = await RunAsync("redis-cli INFO persistence", cancellationToken, "INFO", "persistence");
                if (RedisInfo.Field(info, "loading") == 0)
                {
                    return;
                }

                last = "still loading";
            }
            catch (RestoreStepException ex)
            {
                last = ex.Message;
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new RestoreStepException($"Redis did not finish starting within {timeout.TotalSeconds:0} s ({last}); check its log for a rejected dump file.");
    }

    private static string? Second(string reply)
    {
        var lines = reply.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length >= 2 ? lines[1] : null;
    }
}
