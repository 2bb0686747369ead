using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Maintenance;

/// <summary>A switch that failed; <see cref="Exception.Message"/> says what failed and what the rollback did.</summary>
public sealed class MaintenanceSwitchException(string message, bool rolledBack, Exception? inner = null) : Exception(message, inner)
{
    public bool RolledBack { get; } = rolledBack;
}

/// <summary>
/// What one host's switch changed, so it can be undone (another host failed: all or nothing) or
/// made final (old containers removed once every host succeeded).
/// </summary>
public sealed class HostSwap(IContainerEngine engine, string host)
{
    public string Host => host;

    public IContainerEngine Engine => engine;

    /// <summary>Containers this swap stopped, in order.</summary>
    public List<string> Stopped { get; } = [];

    /// <summary>Containers this swap started (or created and started).</summary>
    public List<string> Started { get; } = [];

    /// <summary>The container this swap starts (prepared ahead, or created by the swap): removed on rollback.</summary>
    public string? Created { get; set; }

    /// <summary>True when <see cref="Created"/> is the container prepared ahead (<see cref="MaintenancePreparer"/>), not one created by this swap.</summary>
    public bool UsedPrepared { get; set; }

    /// <summary>Containers to remove once every host succeeded (the console's old maintenance containers).</summary>
    public List<string> RemoveOnCommit { get; } = [];

    /// <summary>How the switch checked the result, e.g. "checked through nginx_ssl_proxy at https://kf.example.org (172.18.0.5:443)".</summary>
    public string? CheckedVia { get; set; }

    /// <summary>Checks the site answers again after a rollback; returns null or the problem.</summary>
    public Func<CancellationToken, Task<string?>>? VerifyRestored { get; set; }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        foreach (var id in RemoveOnCommit)
        {
            try
            {
                await engine.RemoveContainerAsync(id, force: false, cancellationToken);
            }
            catch (DockerException)
            {
                // A stopped leftover is harmless; the next switch removes it.
            }
        }
    }

    /// <summary>Undoes the swap; returns a sentence for the admin saying what is served now.</summary>
    public async Task<string> RollbackAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var id in Started.AsEnumerable().Reverse())
        {
            await TryAsync(() => engine.StopContainerAsync(id, TimeSpan.FromSeconds(5), cancellationToken), problems);
        }

        if (Created is not null)
        {
            await TryAsync(() => engine.RemoveContainerAsync(Created, force: true, cancellationToken), problems);
        }

        foreach (var id in Stopped)
        {
            await TryAsync(() => engine.StartContainerAsync(id, cancellationToken), problems);
        }

        var verified = VerifyRestored is null || Stopped.Count == 0 ? null : await VerifyRestored(cancellationToken);
        if (verified is not null)
        {
            problems.Add(verified);
        }

        return problems.Count == 0
            ? $"Rolled back on host '{host}': the previous containers run again and answer."
            : $"ROLLBACK INCOMPLETE on host '{host}': {string.Join("; ", problems)}. Check the containers on the topology page and start nginx by hand if needed.";
    }

    private static async Task TryAsync(Func<Task> action, List<string> problems)
    {
        try
        {
            await action();
        }
        catch (DockerException ex)
        {
            problems.Add(ex.Message);
        }
    }
}
