using KoboConsole.Web.Features.Restores.Stores;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Upgrades;

/// <summary>
/// The short-lived server of the target image on the NEW data directory: initdb there (refused
/// when the directory already holds a cluster), then PostgreSQL listening on its Unix socket only,
/// so nothing but the console's execs reach it. Stopped and removed when disposed; the data stays.
/// </summary>
public sealed class NewServer : IAsyncDisposable
{
    public const string Label = "org.koboconsole.upgrade-helper";

    // Finds the target's binaries the way the probe did; runs them as 'postgres' (gosu in the
    // official images, runuser in Debian's); exit 3 when the directory is not empty.
    private const string Script =
        """
        set -e
        p=$(command -v postgres 2>/dev/null || ls /usr/lib/postgresql/*/bin/postgres | sort -V | tail -n1)
        B=$(dirname "$p")
        if command -v gosu >/dev/null 2>&1; then AS="gosu postgres"; else AS="runuser -u postgres --"; fi
        mkdir -p "$D" /var/run/postgresql
        if [ -n "$(ls -A "$D" 2>/dev/null)" ]; then echo "the new data directory is not empty" >&2; exit 3; fi
        chown postgres:postgres "$D" /var/run/postgresql; chmod 700 "$D"
        $AS "$B/initdb" -D "$D" -U "$SU" -E UTF8 --auth-local=trust --auth-host=scram-sha-256 >/dev/null
        exec $AS "$B/postgres" -D "$D" -c listen_addresses= -c jit=off
        """;

    private NewServer(RestoreTarget target) => Target = target;

    public RestoreTarget Target { get; }

    public static async Task<NewServer> StartAsync(IContainerEngine engine, string image, string bind, string dataPath, string superuser, string runId, CancellationToken cancellationToken)
    {
        var id = await engine.CreateContainerAsync(new ContainerSpec
        {
            Image = image,
            Name = $"kc-upgrade-{runId[..Math.Min(8, runId.Length)]}-{Guid.NewGuid().ToString("N")[..6]}",
            Entrypoint = ["sh", "-c", Script],
            Cmd = [],
            User = "0",
            // POSTGRES_USER: the console reads the login of a container from it (PostgresRestore.Login).
            Env = [$"D={dataPath}", $"SU={superuser}", $"POSTGRES_USER={superuser}"],
            Binds = [bind],
            Labels = new Dictionary<string, string> { [Label] = runId },
            RestartPolicy = "no",
        }, cancellationToken);
        var server = new NewServer(new RestoreTarget(engine, id));
        try
        {
            await engine.StartContainerAsync(id, cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Waits until the server accepts connections (pg_isready), or says why it stopped.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken) => await WaitReadyAsync(Target, timeout, cancellationToken);

    public static async Task WaitReadyAsync(RestoreTarget target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var details = await target.Engine.InspectContainerAsync(target.ContainerId, cancellationToken);
            if (!details.Running)
            {
                var tail = new List<string>();
                await foreach (var line in target.Engine.ReadLogsAsync(target.ContainerId, new LogQuery { Tail = 5 }, cancellationToken))
                {
                    tail.Add(line.Text);
                }

                throw new RestoreStepException($"the server in {details.Name} stopped (exit code {details.ExitCode}): {string.Join(" | ", tail)}");
            }

            var ready = await target.Engine.ExecAsync(target.ContainerId, ["pg_isready", "-q"], cancellationToken);
            if (ready.ExitCode == 0)
            {
                return;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new RestoreStepException($"the server in {details.Name} did not accept connections within {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Target.Engine.StopContainerAsync(Target.ContainerId, TimeSpan.FromSeconds(60), CancellationToken.None);
            await Target.Engine.RemoveContainerAsync(Target.ContainerId, force: true, CancellationToken.None);
        }
        catch (DockerException)
        {
            // Already gone; the label names the upgrade run if one is ever left behind.
        }
    }
}
