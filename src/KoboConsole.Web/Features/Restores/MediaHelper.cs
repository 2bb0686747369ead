using KoboConsole.Web.Features.Restores.Stores;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Restores;

/// <summary>
/// A short-lived container with one media volume mounted, from the image of the container that
/// normally mounts it (so nothing is pulled): kpi is stopped during a restore, and files are only
/// extracted and swapped by a running process. Removed when disposed.
/// </summary>
public sealed class MediaHelper : IAsyncDisposable
{
    public const string Label = "org.koboconsole.restore-helper";

    private MediaHelper(RestoreTarget target) => Target = target;

    public RestoreTarget Target { get; }

    public static async Task<MediaHelper> StartAsync(RestoreContainers.MediaHolder holder, IContainerEngine engine, string runId, CancellationToken cancellationToken)
    {
        var mount = holder.Mount;
        var bind = mount.Type == "volume" && mount.Name is { Length: > 0 } name ? $"{name}:{mount.Destination}" : $"{mount.Source}:{mount.Destination}";
        var id = await engine.CreateContainerAsync(new ContainerSpec
        {
            Image = holder.Details.Image,
            Name = $"kc-restore-{runId[..Math.Min(8, runId.Length)]}-{Guid.NewGuid().ToString("N")[..6]}",
            Entrypoint = ["sh", "-c", "while :; do sleep 3600; done"],
            Cmd = [],
            User = "0",
            Binds = [bind],
            Labels = new Dictionary<string, string> { [Label] = runId },
            RestartPolicy = "no",
        }, cancellationToken);
        var helper = new MediaHelper(new RestoreTarget(engine, id));
        try
        {
            await engine.StartContainerAsync(id, cancellationToken);
        }
        catch
        {
            await helper.DisposeAsync();
            throw;
        }

        return helper;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Target.Engine.RemoveContainerAsync(Target.ContainerId, force: true, CancellationToken.None);
        }
        catch (DockerException)
        {
            // Already gone; the label names the restore run if one is ever left behind.
        }
    }
}
