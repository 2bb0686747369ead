using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Drills;

/// <summary>
/// One throwaway place on one Docker engine: an internal network of its own (no route out, no
/// published ports) and one container in it, made from a production image but never with its
/// volumes or binds. Disposing removes the container with its anonymous volumes, then the network,
/// whatever happened before; a removal that fails is logged and left to <see cref="DrillJanitor"/>,
/// never thrown over the drill's own result.
/// </summary>
internal sealed class DrillSandbox : IAsyncDisposable
{
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromMinutes(1);
    private readonly IContainerEngine _engine;
    private readonly IReadOnlyDictionary<string, string> _labels;
    private readonly ILogger _logger;
    private string? _containerId;

    private DrillSandbox(IContainerEngine engine, string name, IReadOnlyDictionary<string, string> labels, ILogger logger)
    {
        _engine = engine;
        Name = name;
        _labels = labels;
        _logger = logger;
    }

    /// <summary>The network's and the container's name: <c>kc-drill-&lt;run&gt;-&lt;store&gt;-&lt;random&gt;</c>.</summary>
    public string Name { get; }

    public IContainerEngine Engine => _engine;

    public static async Task<DrillSandbox> CreateAsync(IContainerEngine engine, string runId, string store, ILogger logger, CancellationToken cancellationToken)
    {
        var name = $"kc-drill-{runId}-{store}-{Guid.NewGuid():N}"[..(33 + store.Length)];
        var labels = DrillLabels.For(runId, store);
        await engine.CreateNetworkAsync(name, labels, isInternal: true, cancellationToken);
        return new DrillSandbox(engine, name, labels, logger);
    }

    /// <summary>Creates and starts the throwaway container; <paramref name="image"/> should be an image id, so it is exactly production's.</summary>
    public async Task<ContainerDetails> StartAsync(string image, IReadOnlyList<string>? cmd, IReadOnlyList<string>? entrypoint, IReadOnlyList<string> env, CancellationToken cancellationToken)
    {
        if (_containerId is not null)
        {
            throw new InvalidOperationException("A drill sandbox holds one container.");
        }

        _containerId = await _engine.CreateContainerAsync(new ContainerSpec
        {
            Image = image,
            Name = Name,
            Cmd = cmd is { Count: > 0 } ? cmd : null,
            Entrypoint = entrypoint,
            Env = env,
            Labels = _labels,
            Networks = [new NetworkSpec(Name)],
            RestartPolicy = "no",
        }, cancellationToken);
        await _engine.StartContainerAsync(_containerId, cancellationToken);
        return await _engine.InspectContainerAsync(_containerId, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(CleanupTimeout);
        if (_containerId is { } id)
        {
            try
            {
                await _engine.RemoveContainerAsync(id, force: true, removeVolumes: true, timeout.Token);
            }
            catch (ContainerNotFoundException)
            {
                // Already gone.
            }
            catch (Exception ex) when (ex is DockerException or OperationCanceledException)
            {
                Log.CleanupFailed(_logger, _engine.Name, $"container {Name}", ex.Message);
            }
        }

        try
        {
            await _engine.RemoveNetworkAsync(Name, timeout.Token);
        }
        catch (Exception ex) when (ex is DockerException or OperationCanceledException)
        {
            Log.CleanupFailed(_logger, _engine.Name, $"network {Name}", ex.Message);
        }
    }
}
