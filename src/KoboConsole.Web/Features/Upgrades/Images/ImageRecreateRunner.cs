using System.Text.Json;
using KoboConsole.Web.Features.Maintenance;
using KoboConsole.Web.Features.Restores.Stores;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Upgrades.Images;

/// <summary>
/// "Recreate with the new image" (run kind <c>recreate</c>): each target container is stopped and
/// renamed aside, a new one with the same configuration is created under its name on the image its
/// configuration names, started, and must stay up (healthy, when it has a healthcheck); then the old
/// one is removed. If the new one does not come up, it is removed and the old one gets its name back
/// and runs again. Maintenance, when asked for, is on around the application containers; nginx is
/// recreated after it is off (maintenance replaces nginx). Never retried.
/// </summary>
public sealed class ImageRecreateRunner(RunStore runs, RunScopes scopes, ImageUpdateService updates, IDockerHosts hosts, MaintenanceService maintenance, TimeProvider time)
{
    public const string Kind = "recreate";
    public const string Lease = "recreate";

    /// <summary>How long a container without a healthcheck must keep running, without a restart, to count as up.</summary>
    public static TimeSpan StableFor { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a container with a healthcheck has to become healthy.</summary>
    public static readonly TimeSpan HealthyWithin = TimeSpan.FromMinutes(3);

    public async Task RunAsync(string runId, CancellationToken jobToken)
    {
        var run = await runs.GetAsync(runId, jobToken) ?? throw new InvalidOperationException($"Recreate run {runId} does not exist.");
        if (run.State != RunStates.Queued)
        {
            if (run.State == RunStates.Running)
            {
                await runs.FinishAsync(runId, RunStates.Failed, "the console stopped during this run; it is not retried. A container renamed '<name>-previous-<run>' is the old one: "
                    + "if the new one is not running, remove it and rename the old one back.", CancellationToken.None);
            }

            return;
        }

        var request = JsonSerializer.Deserialize<RecreateRunRequest>(run.Request ?? "{}") ?? new RecreateRunRequest("", false);
        await using var scope = await scopes.BeginAsync(run, jobToken);
        var byUs = false;
        string? error = null;
        var done = new List<string>();
        try
        {
            if (await scope.TryHoldAsync(Lease, runId, scope.Token) is null)
            {
                throw new UpgradeRefusedException("another recreate run is under way; wait for it to end.");
            }

            var targets = ImageUpdateRules.Targets(await updates.ListAsync(scope.Token), request.Service);
            if (targets.Count == 0)
            {
                throw new UpgradeRefusedException($"{request.Service} has no other image to run any more.");
            }

            await scope.LogAsync($"To recreate: {string.Join(", ", targets.Select(t => $"{t.Container} on {t.Host} ({t.Image}: {t.RunningImageId} → {t.AvailableImageId})"))}.", CancellationToken.None);
            var apps = targets.Where(t => t.Service != "nginx").ToList();
            if (request.Maintenance && apps.Count > 0)
            {
                await Step(scope, "maintenance on");
                if ((await maintenance.GetStatusAsync(scope.Token)).State == "on")
                {
                    await scope.LogAsync("Maintenance was already on; it is left on.", CancellationToken.None);
                }
                else
                {
                    await maintenance.EnableAsync(MaintenanceFields.Defaults(time.GetUtcNow(), await maintenance.DefaultEmailAsync(scope.Token)), $"{run.Actor} (recreate run {runId})", scope.Token);
                    byUs = true;
                }
            }

            foreach (var t in apps)
            {
                await RecreateAsync(scope, t);
                done.Add(t.Container);
            }

            if (byUs)
            {
                await Step(scope, "maintenance off");
                await maintenance.DisableAsync($"{run.Actor} (recreate run {runId})", scope.Token);
                byUs = false;
            }

            foreach (var t in targets.Where(t => t.Service == "nginx"))
            {
                await RecreateAsync(scope, t);
                done.Add(t.Container);
            }
        }
        catch (Exception ex) when (ex is UpgradeRefusedException or RestoreStepException or DockerException or MaintenanceRefusedException or MaintenanceSwitchException
            or OperationCanceledException)
        {
            error = $"recreate {request.Service} stopped: {(ex is OperationCanceledException ? "the run was cancelled" : ex.Message)}"
                + (done.Count > 0 ? $" Already on the new image: {string.Join(", ", done)}." : "");
            if (byUs)
            {
                error += await GiveBackAsync(run.Actor, runId);
            }

            await scope.LogAsync($"✖ {error}", CancellationToken.None);
        }

        await scope.EndAsync(error is null ? RunStates.Succeeded : scope.Token.IsCancellationRequested ? RunStates.Cancelled : RunStates.Failed, error,
            $"recreate {request.Service}", error ?? $"on the new image: {string.Join(", ", done)}");
    }

    private static async Task Step(RunScope scope, string step)
    {
        await scope.StepAsync(step, CancellationToken.None);
        await scope.LogAsync($"▶ {step}", CancellationToken.None);
        scope.Token.ThrowIfCancellationRequested();
    }

    private async Task<string> GiveBackAsync(string actor, string runId)
    {
        try
        {
            await maintenance.DisableAsync($"{actor} (recreate run {runId})", CancellationToken.None);
            return " Maintenance is off again.";
        }
        catch (Exception ex) when (ex is DockerException or MaintenanceRefusedException or MaintenanceSwitchException)
        {
            return $" Turning maintenance off failed too ({ex.Message}): turn it off on the maintenance page.";
        }
    }

    /// <summary>One container onto its configured image, or back on its old one.</summary>
    private async Task RecreateAsync(RunScope scope, ImageUpdate target)
    {
        await Step(scope, $"recreate {target.Container}");
        var engine = hosts.Get(target.Host);
        var old = await engine.InspectContainerAsync(target.Container, scope.Token);
        var configured = await engine.InspectImageAsync(old.Image, scope.Token)
            ?? throw new RestoreStepException($"{old.Image} is not on Docker host '{target.Host}' any more; {old.Name} was left as it was.");
        if (configured.Id == old.ImageId)
        {
            await scope.LogAsync($"{old.Name} already runs {old.Image} ({ImageUpdateRules.ShortId(old.ImageId)}).", CancellationToken.None);
            return;
        }

        var oldImage = await engine.InspectImageAsync(old.ImageId, scope.Token)
            ?? throw new RestoreStepException($"the image {old.Name} runs ({ImageUpdateRules.ShortId(old.ImageId)}) cannot be read; {old.Name} was left as it was.");
        var spec = ContainerRecreate.WithImage(old, oldImage, configured);
        var aside = $"{old.Name}-previous-{scope.RunId[..Math.Min(8, scope.RunId.Length)]}";
        if (old.Running)
        {
            await engine.StopContainerAsync(old.Id, old.StopTimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : null, scope.Token);
        }

        await engine.RenameContainerAsync(old.Id, aside, scope.Token);
        await scope.LogAsync($"Stopped {old.Name} ({ImageUpdateRules.ShortId(old.ImageId)}) and renamed it {aside}: it is kept until the new one is up.", CancellationToken.None);
        string? id = null;
        try
        {
            id = await engine.CreateContainerAsync(spec, scope.Token);
            if (old.Running)
            {
                await engine.StartContainerAsync(id, scope.Token);
                await scope.LogAsync(await WaitUpAsync(engine, id, old.Name, scope.Token), CancellationToken.None);
            }
            else
            {
                await scope.LogAsync($"{old.Name} was stopped before: the new container is created, not started.", CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is RestoreStepException or DockerException or OperationCanceledException)
        {
            var back = await PutBackAsync(engine, old, aside, id);
            throw new RestoreStepException($"{old.Name} on {old.Image} ({ImageUpdateRules.ShortId(configured.Id)}) {(ex is OperationCanceledException ? "was cancelled" : ex.Message)}. {back}", ex);
        }

        await engine.RemoveContainerAsync(old.Id, force: false, CancellationToken.None);
        await scope.LogAsync($"{old.Name} runs {old.Image} ({ImageUpdateRules.ShortId(configured.Id)}); the previous container {aside} is removed.", CancellationToken.None);
    }

    /// <summary>Running without a restart for <see cref="StableFor"/>, or healthy; else why not.</summary>
    private static async Task<string> WaitUpAsync(IContainerEngine engine, string id, string name, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        while (true)
        {
            var d = await engine.InspectContainerAsync(id, ct);
            var elapsed = DateTimeOffset.UtcNow - started;
            if (d.RestartCount > 0 || !d.Running)
            {
                // Once Docker has restarted it, the container runs again and its last exit code is gone.
                var exited = d.Running && d.State != "restarting" ? "exited" : $"exited (code {d.ExitCode})";
                throw new RestoreStepException($"{exited}{(d.RestartCount > 0 ? $" and was restarted {d.RestartCount} time(s) by Docker" : "")} within {elapsed.TotalSeconds:0} s");
            }

            if (d.Health.Status == "unhealthy")
            {
                throw new RestoreStepException($"became unhealthy ({d.Health.LastOutput?.Trim()})");
            }

            if (d.Health.Status == "healthy" || (d.Health.Status == "none" && elapsed >= StableFor))
            {
                return $"✔ {name} is {(d.Health.Status == "healthy" ? "healthy" : $"running (no restart in {elapsed.TotalSeconds:0} s)")}.";
            }

            if (elapsed > HealthyWithin)
            {
                throw new RestoreStepException($"was not healthy within {HealthyWithin.TotalMinutes:0} minutes");
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    /// <summary>Removes the new container and gives the old one its name back and runs it; says what it did.</summary>
    private static async Task<string> PutBackAsync(IContainerEngine engine, ContainerDetails old, string aside, string? newId)
    {
        try
        {
            if (newId is not null)
            {
                await engine.RemoveContainerAsync(newId, force: true, CancellationToken.None);
            }

            await engine.RenameContainerAsync(old.Id, old.Name, CancellationToken.None);
            if (old.Running)
            {
                await engine.StartContainerAsync(old.Id, CancellationToken.None);
            }

            return $"Rolled back: {old.Name} is the previous container again ({ImageUpdateRules.ShortId(old.ImageId)}){(old.Running ? ", running" : "")}.";
        }
        catch (DockerException ex)
        {
            return $"Rolling back failed too ({ex.Message}): the previous container is {aside}; remove the new {old.Name}, rename {aside} to {old.Name} and start it.";
        }
    }
}
