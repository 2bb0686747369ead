using KoboConsole.Web.Features.Maintenance;
using KoboConsole.Web.Features.Restores;
using KoboConsole.Web.Features.Restores.Stores;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Upgrades;

// The admin's steps after a prepared upgrade: switch, rollback, retire; and giving kobo back.
public sealed partial class UpgradeRunner
{
    private async Task SwitchAsync(UpgradeContext s)
    {
        var r = await RecordAsync(s);
        s.Record = r;
        if (r.Stage != UpgradeStages.Prepared)
        {
            throw new UpgradeRefusedException($"upgrade {r.RunId} is {r.Stage}; only a prepared upgrade can be switched.");
        }

        try
        {
            var engine = hosts.Get(r.Host);
            await StepAsync(s, "stop old postgres", async () =>
            {
                await engine.StopContainerAsync(r.OldContainerId, TimeSpan.FromSeconds(300), s.Token);
                await s.Scope.LogAsync($"Stopped {r.OldContainerName} ({r.OldImage}); its data {r.OldDataSource} is kept as it is.", s.Token);
            });
            await StepAsync(s, "start new postgres", async () =>
            {
                var old = await engine.InspectContainerAsync(r.OldContainerId, s.Token);
                var id = await engine.CreateContainerAsync(ContainerRecreate.Spec(old, r.TargetImage, r.DataPath, r.NewDataSource, r.OldContainerName + "-new"), s.Token);
                await SaveAsync(s, r with { NewContainerId = id });
                await engine.StartContainerAsync(id, s.Token);
                await NewServer.WaitReadyAsync(new RestoreTarget(engine, id), ReadyTimeout, s.Token);
                await s.Scope.LogAsync($"postgres runs {r.TargetImage} on {r.NewDataSource} (container {r.OldContainerName}-new).", s.Token);
            });
            await StepAsync(s, "verify", () => VerifyAsync(s, null, new RestoreTarget(engine, s.Record!.NewContainerId!), "", r.RowCounts));
            await StepAsync(s, "start writers", () => StartWritersAsync(s));
            await StepAsync(s, "health", async () => await s.Scope.LogAsync(await health.WaitAsync(TimeSpan.FromSeconds(options.CurrentValue.HealthTimeoutSeconds), s.Token), s.Token));
            await StepAsync(s, "maintenance off", () => MaintenanceOffAsync(s));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            s.Aftermath = "Rolled back: " + await RestoreOldAsync(s, s.Record!) + " " + await GiveBackAsync(s, s.Record!, UpgradeStages.RolledBack);
            throw;
        }

        await SaveAsync(s, s.Record! with { Stage = UpgradeStages.Switched, StoppedWriters = [], MaintenanceByUs = false });
        s.Summary = $"postgres runs {r.TargetImage} on {r.NewDataSource}; the old container and data are kept for a rollback until retired";
        if (r.Change is { } change)
        {
            await s.Scope.LogAsync($"Now change {change.File} (service {change.Service}): {string.Join(" / ", change.After)}. {change.Note}", CancellationToken.None);
        }
    }

    private async Task RollbackAsync(UpgradeContext s, UpgradeRecord r, string why)
    {
        s.Record = r;
        if (r.Stage is not (UpgradeStages.Prepared or UpgradeStages.Switched))
        {
            throw new UpgradeRefusedException($"upgrade {r.RunId} is {r.Stage}; only a prepared or switched upgrade can be rolled back.");
        }

        var engine = hosts.Get(r.Host);
        if (r.Stage == UpgradeStages.Switched && s.Record.StoppedWriters.Count == 0)
        {
            await StepAsync(s, "maintenance on", () => MaintenanceOnAsync(s));
            await StepAsync(s, "stop writers", () => StopWritersAsync(s));
        }

        await StepAsync(s, "start old postgres", async () => await s.Scope.LogAsync(await RestoreOldAsync(s, s.Record!), s.Token));
        await StepAsync(s, "verify", async () =>
        {
            await VerifyAsync(s, null, new RestoreTarget(engine, r.OldContainerId), "", r.RowCounts);
        });
        await StepAsync(s, "start writers", () => StartWritersAsync(s));
        await StepAsync(s, "maintenance off", () => MaintenanceOffAsync(s));
        await SaveAsync(s, s.Record! with { Stage = UpgradeStages.RolledBack, StoppedWriters = [], MaintenanceByUs = false });
        s.Summary = $"rolled back ({why}): {r.OldContainerName} runs {r.OldImage} on {r.OldDataSource}; {r.NewDataSource} is left for you to remove";
    }

    private async Task RetireAsync(UpgradeContext s)
    {
        var r = await RecordAsync(s);
        s.Record = r;
        if (r.Stage != UpgradeStages.Switched)
        {
            throw new UpgradeRefusedException($"upgrade {r.RunId} is {r.Stage}; only a switched upgrade can be retired.");
        }

        await StepAsync(s, "remove old container", async () =>
        {
            try
            {
                await hosts.Get(r.Host).RemoveContainerAsync(r.OldContainerId, force: false, s.Token);
            }
            catch (ContainerNotFoundException)
            {
                // Removed by hand already.
            }
        });
        await SaveAsync(s, r with { Stage = UpgradeStages.Retired });
        s.Summary = $"retired: {r.OldContainerName} removed; no rollback any more. The old data {r.OldDataSource} was NOT deleted: remove it yourself once you no longer want it";
        await s.Scope.LogAsync(s.Summary + ".", s.Token);
    }

    /// <summary>Removes the new container (if any) and starts the old one on its untouched data; returns what it did.</summary>
    private async Task<string> RestoreOldAsync(UpgradeContext s, UpgradeRecord r)
    {
        var engine = hosts.Get(r.Host);
        if (r.NewContainerId is { } id)
        {
            try
            {
                await engine.StopContainerAsync(id, TimeSpan.FromSeconds(300), CancellationToken.None);
                await engine.RemoveContainerAsync(id, force: true, CancellationToken.None);
            }
            catch (ContainerNotFoundException)
            {
                // Already gone.
            }

            await SaveAsync(s, s.Record! with { NewContainerId = null });
        }

        await engine.StartContainerAsync(r.OldContainerId, CancellationToken.None);
        await NewServer.WaitReadyAsync(new RestoreTarget(engine, r.OldContainerId), ReadyTimeout, CancellationToken.None);
        return $"{r.OldContainerName} runs {r.OldImage} on {r.OldDataSource} again.";
    }

    /// <summary>Starts the writers this upgrade stopped and turns maintenance off when it turned it on; the stage becomes <paramref name="stage"/>.</summary>
    private async Task<string> GiveBackAsync(UpgradeContext s, UpgradeRecord r, string stage)
    {
        var notes = new List<string>();
        try
        {
            var started = await new WriterSwitch(hosts).StartAllAsync(s.Record!.StoppedWriters, w => s.Scope.LogAsync($"Started {w.Name} on {w.Host}.", CancellationToken.None), CancellationToken.None);
            notes.Add(started.Failures.Count == 0 ? "The writers run again." : $"Starting the writers failed: {string.Join("; ", started.Failures)}.");
            if (s.Record.MaintenanceByUs && started.Failures.Count == 0)
            {
                await maintenance.DisableAsync($"{s.Actor} (upgrade run {s.RunId})", CancellationToken.None);
                notes.Add("Maintenance is off.");
            }
            else if (s.Record.MaintenanceByUs)
            {
                notes.Add("Maintenance is left ON.");
            }
        }
        catch (Exception ex) when (ex is DockerException or MaintenanceRefusedException or MaintenanceSwitchException)
        {
            notes.Add($"Giving kobo back failed too ({ex.Message}): start the writers and turn maintenance off by hand.");
        }

        await SaveAsync(s, s.Record! with { Stage = stage, StoppedWriters = [], MaintenanceByUs = false });
        var text = string.Join(" ", notes) + (r.NewDataSource is { } n ? $" The old server and data are untouched; {n} may hold a partial copy: remove it before the next attempt." : "");
        await s.Scope.LogAsync(text, CancellationToken.None);
        return text;
    }

    private async Task StartWritersAsync(UpgradeContext s)
    {
        var result = await new WriterSwitch(hosts).StartAllAsync(s.Record!.StoppedWriters, w => s.Scope.LogAsync($"Started {w.Name} on {w.Host}.", CancellationToken.None), s.Token);
        if (result.Failures.Count > 0)
        {
            throw new RestoreStepException(string.Join("; ", result.Failures) + ".");
        }

        await SaveAsync(s, s.Record with { StoppedWriters = [] });
    }

    private async Task MaintenanceOffAsync(UpgradeContext s)
    {
        if (!s.Record!.MaintenanceByUs)
        {
            await s.Scope.LogAsync("Maintenance was on before the upgrade: left on.", s.Token);
            return;
        }

        await maintenance.DisableAsync($"{s.Actor} (upgrade run {s.RunId})", s.Token);
        await SaveAsync(s, s.Record with { MaintenanceByUs = false });
    }
}
