using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Restores;

/// <summary>
/// Stops and starts kobo's writers all at once, as <c>docker compose stop</c> does: the downtime is
/// the slowest writer's, not their sum. Each writer gets its own stop timeout (compose's
/// <c>stop_grace_period</c>, kept on the container) or, when it has none, the configured one.
/// The callbacks run one at a time, so the caller may record each writer in its own state.
/// </summary>
public sealed class WriterSwitch(IDockerHosts hosts)
{
    /// <summary>What a stop of all writers did: who stopped, and who could not be stopped and why.</summary>
    public sealed record StopResult(IReadOnlyList<StoppedWriter> Stopped, IReadOnlyList<string> Failures);

    /// <summary>What a start of all writers did: started, gone (removed meanwhile), and failures.</summary>
    public sealed record StartResult(IReadOnlyList<StoppedWriter> Started, IReadOnlyList<StoppedWriter> Gone, IReadOnlyList<string> Failures);

    /// <summary>Stops every writer concurrently; <paramref name="onStopped"/> is called as each one stops.</summary>
    public async Task<StopResult> StopAllAsync(IReadOnlyList<KoboContainer> writers, TimeSpan fallbackTimeout, Func<StoppedWriter, Task> onStopped, CancellationToken cancellationToken)
    {
        using var one = new SemaphoreSlim(1);
        var stopped = new List<StoppedWriter>();
        var failures = new List<string>();
        await Task.WhenAll(writers.Select(async w =>
        {
            var writer = new StoppedWriter(w.Host, w.Id, w.Name);
            string? failure = null;
            try
            {
                var engine = hosts.Get(w.Host);
                var own = (await engine.InspectContainerAsync(w.Id, cancellationToken)).StopTimeoutSeconds;
                await engine.StopContainerAsync(w.Id, own is { } s ? TimeSpan.FromSeconds(s) : fallbackTimeout, cancellationToken);
            }
            catch (DockerException ex)
            {
                failure = $"{w.Name} on {w.Host} did not stop: {ex.Message}";
            }

            await one.WaitAsync(CancellationToken.None);
            try
            {
                if (failure is null)
                {
                    stopped.Add(writer);
                    await onStopped(writer);
                }
                else
                {
                    failures.Add(failure);
                }
            }
            finally
            {
                one.Release();
            }
        }));

        return new StopResult(stopped, failures);
    }

    /// <summary>Starts every writer concurrently, each attempted whatever happens to the others.</summary>
    public async Task<StartResult> StartAllAsync(IReadOnlyList<StoppedWriter> writers, Func<StoppedWriter, Task> onStarted, CancellationToken cancellationToken)
    {
        using var one = new SemaphoreSlim(1);
        var started = new List<StoppedWriter>();
        var gone = new List<StoppedWriter>();
        var failures = new List<string>();
        await Task.WhenAll(writers.Select(async w =>
        {
            List<StoppedWriter>? into = started;
            string? failure = null;
            try
            {
                await hosts.Get(w.Host).StartContainerAsync(w.Id, cancellationToken);
            }
            catch (ContainerNotFoundException)
            {
                into = gone;
            }
            catch (DockerException ex)
            {
                into = null;
                failure = $"{w.Name} on {w.Host} did not start: {ex.Message}";
            }

            await one.WaitAsync(CancellationToken.None);
            try
            {
                if (into is null)
                {
                    failures.Add(failure!);
                    return;
                }

                into.Add(w);
                if (into == started)
                {
                    await onStarted(w);
                }
            }
            finally
            {
                one.Release();
            }
        }));

        return new StartResult(started, gone, failures);
    }
}
