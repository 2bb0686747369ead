using System.Text.Json;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Maintenance;
using KoboConsole.Web.Features.Restores.Stores;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Restores;

// The steps themselves; each throws RestoreStepException (or an adapter's typed exception) with the reason.
public sealed partial class RestoreRunner
{
    private async Task PreflightAsync(RunContext s)
    {
        var ct = s.Token;
        var lease = await s.Scope.TryHoldAsync(RestorePreflight.RestoreLease, HolderOf(s.RunId), ct);
        if (lease is null)
        {
            var holder = await leases.GetHolderAsync(RestorePreflight.RestoreLease, ct);
            throw new RestoreStepException($"another restore runs ({holder?.Holder ?? "just ended"}); only one restore runs at a time. Nothing was changed.");
        }

        var ids = s.Request.BackupIds ?? [];
        var plan = await preflight.CheckAsync(ids, s.Request.SafetyBackup != false, s.Request.AcceptUnverified == true,
            s.Request.AcceptReplication == true, s.RunId,
            s.Scope.LogAsync, ct);
        foreach (var check in plan.Checks)
        {
            await s.Scope.LogAsync($"{(check.Ok ? "✔" : check.Blocking ? "✖" : "⚠")} {check.Name}: {check.Detail}", ct);
        }

        if (!plan.CanStart)
        {
            throw new RestoreStepException($"refused before anything was touched: {string.Join(" ", plan.Problems.Select(p => p.Detail))}");
        }

        if (!string.Equals(plan.ConfirmPhrase, s.Request.Confirm?.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            throw new RestoreStepException($"the confirmation '{s.Request.Confirm}' is not this install's domain ({plan.ConfirmPhrase}) any more; nothing was changed.");
        }

        foreach (var store in plan.Items.Select(i => i.Store).Distinct(StringComparer.Ordinal))
        {
            _ = await s.Scope.TryHoldAsync(BackupLeases.Of(store), HolderOf(s.RunId), ct)
                ?? throw new RestoreStepException($"a {store} backup started during the pre-flight; wait for it to finish. Nothing was changed.");
        }

        s.Plan = plan;
        foreach (var item in plan.Items.OrderBy(i => Order(i.Store)).ThenBy(i => i.Database, StringComparer.Ordinal))
        {
            var seq = await s.Scope.Items.AddAsync(item.Store, item.Entry.Name, ct);
            s.Items.Add(new ItemProgress(item, seq));
        }
    }

    private async Task MaintenanceOnAsync(RunContext s)
    {
        s.Inherited.AddRange(await ledger.PendingAsync(s.RunId, s.Token));
        var status = await maintenance.GetStatusAsync(s.Token);
        if (status.State == "on")
        {
            s.MaintenanceByUs = s.Inherited.Any(r => r.MaintenanceByUs);
            await s.Scope.LogAsync(s.MaintenanceByUs
                ? "Maintenance is already on (left on by an earlier restore that stopped); it is turned off at the end."
                : "Maintenance was already on before this restore; it is left on at the end.", s.Token);
            return;
        }

        var fields = MaintenanceFields.Defaults(time.GetUtcNow(), await maintenance.DefaultEmailAsync(s.Token));
        await maintenance.EnableAsync(fields, $"{s.Actor} (restore run {s.RunId})", s.Token);
        s.MaintenanceByUs = true;
        await SaveAsync(s, RestoreSteps.MaintenanceOn, pending: true);
        await s.Scope.LogAsync("Maintenance page is on and answering.", s.Token);
    }

    private async Task StopWritersAsync(RunContext s)
    {
        var snapshot = await containers.DiscoverAsync(s.Token);
        var writers = snapshot.Containers.Where(c => KoboNames.Writers.Contains(c.Service) && c.Running).ToList();
        if (writers.Count == 0)
        {
            await s.Scope.LogAsync("No writer was running.", s.Token);
            return;
        }

        var fallback = TimeSpan.FromSeconds(options.CurrentValue.WriterStopTimeoutSeconds);
        var result = await new WriterSwitch(hosts).StopAllAsync(writers, fallback, async w =>
        {
            s.Stopped.Add(w);
            await SaveAsync(s, RestoreSteps.StopWriters, pending: true);
            await s.Scope.LogAsync($"Stopped {w.Name} on {w.Host}.", s.Token);
        }, s.Token);
        if (result.Failures.Count == 0)
        {
            return;
        }

        // Nothing was restored yet: the writers that did stop are started again rather than left down.
        var again = await StartStoppedAsync(s, [.. s.Stopped]);
        throw new RestoreStepException($"{string.Join("; ", result.Failures)}. "
            + (again.Failures.Count == 0 ? "The writers that had stopped were started again." : $"Starting the others again failed too: {string.Join("; ", again.Failures)}."));
    }

    /// <summary>Starts the writers concurrently and forgets those that started (or are gone); returns what happened.</summary>
    private async Task<WriterSwitch.StartResult> StartStoppedAsync(RunContext s, IReadOnlyList<StoppedWriter> writers)
    {
        var result = await new WriterSwitch(hosts).StartAllAsync(writers, w => s.Scope.LogAsync($"Started {w.Name} on {w.Host}.", CancellationToken.None), CancellationToken.None);
        foreach (var w in result.Gone)
        {
            await s.Scope.LogAsync($"{w.Name} on {w.Host} no longer exists; not started.", CancellationToken.None);
        }

        var done = result.Started.Concat(result.Gone).Select(w => (w.Host, w.Id)).ToHashSet();
        s.Stopped.RemoveAll(w => done.Contains((w.Host, w.Id)));
        foreach (var r in s.Inherited.ToList())
        {
            s.Inherited[s.Inherited.IndexOf(r)] = r with { StoppedWriters = [.. r.StoppedWriters.Where(w => !done.Contains((w.Host, w.Id)))] };
        }

        await SaveAsync(s, RestoreSteps.StartWriters, pending: true);
        return result;
    }

    private async Task SafetyBackupAsync(RunContext s)
    {
        if (s.Request.SafetyBackup == false)
        {
            await s.Scope.LogAsync($"Skipped by {s.Actor}: {s.Request.SkipSafetyReason}", s.Token);
            return;
        }

        var stores = BackupStores.All.Where(st => s.Plan!.Items.Any(i => i.Store == st)).ToList();
        var request = new StartBackupRequest(stores, options.CurrentValue.SafetyTarget);
        s.SafetyRunId = await runs.CreateAsync(BackupRunner.Kind, $"{s.Actor} (safety backup of restore run {s.RunId})",
            JsonSerializer.Serialize(request, BackupManifest.Json), s.Token);
        await s.Scope.LogAsync($"Safety backup run {s.SafetyRunId}: {string.Join(", ", stores)} to {request.Target}.", s.Token);
        await backups.RunAsync(s.SafetyRunId, s.Token, forRestore: true);
        var view = await runs.GetAsync(s.SafetyRunId, CancellationToken.None);
        if (view?.State != RunStates.Succeeded)
        {
            var why = view?.Items.FirstOrDefault(i => i.Error is not null)?.Error ?? view?.Error ?? "unknown";
            throw new RestoreStepException($"the safety backup (run {s.SafetyRunId}) {view?.State ?? "vanished"}: {why}. Nothing was restored.");
        }

        s.SafetyBackupIds.AddRange(view.Items.Where(i => i.BackupId is not null).Select(i => i.BackupId!));
        await SaveAsync(s, RestoreSteps.SafetyBackup, pending: true);
        foreach (var item in view.Items)
        {
            await s.Scope.LogAsync($"Safety copy {item.Name}: backup id {item.BackupId}.", s.Token);
        }
    }

    private async Task RestoreItemsAsync(RunContext s)
    {
        var (found, missing, opened) = await sources.ResolveAsync(s.Items.Select(i => i.Item.Entry.Id).ToList(), s.Token);
        try
        {
            if (missing.Count > 0)
            {
                throw new RestoreStepException($"backups vanished since the pre-flight: {string.Join(", ", missing)}.");
            }

            foreach (var p in s.Items)
            {
                var f = found.First(x => x.Item.Entry.Id == p.Item.Entry.Id);
                await s.Scope.Items.StartedAsync(p.Seq, p.Item.Entry.Id, s.Token);
                await s.Scope.LogAsync($"{p.Item.Entry.Name}: restoring into the current {p.Item.Scope}.", s.Token);
                try
                {
                    await RestoreOneAsync(s, p, f);
                }
                catch (Exception ex) when (ex is RestoreStepException or DockerException or IOException)
                {
                    p.Error = ex.Message;
                    throw;
                }
            }
        }
        finally
        {
            foreach (var t in opened)
            {
                (t as IDisposable)?.Dispose();
            }
        }
    }

    private async Task RestoreOneAsync(RunContext s, ItemProgress p, RestoreSources.Found f)
    {
        var m = p.Item.Manifest;
        await using var stream = await BackupStream.OpenAsync(f.Target, f.Item.Key, s.Token);
        StoreRestoreResult result;
        switch (p.Item.Store)
        {
            case BackupStores.Postgres:
                result = await PostgresRestore.RestoreAsync(await containers.TargetAsync(BackupStores.Postgres, s.Token), p.Item.Database
                    ?? throw new RestoreStepException($"{p.Item.Entry.Name} does not name its database."), stream, s.Token);
                break;
            case BackupStores.Redis:
                result = await RedisRestore.RestoreAsync(await containers.TargetAsync(BackupStores.Redis, s.Token), stream,
                    TimeSpan.FromSeconds(options.CurrentValue.RedisStartTimeoutSeconds), s.Token);
                break;
            case BackupStores.Mongo:
                result = await MongoRestore.RestoreAsync(await containers.TargetAsync(BackupStores.Mongo, s.Token), stream, s.Token);
                p.Check = MongoRestore.Verify(stream, m?.SizeBytes);
                break;
            default:
                var holder = await containers.MediaHolderAsync(p.Item.Database ?? "", s.Token);
                var engine = hosts.Get(holder.Container.Host);
                await using (var helper = await MediaHelper.StartAsync(holder, engine, s.RunId, s.Token))
                {
                    result = await MediaRestore.RestoreAsync(helper.Target, holder.Mount.Destination, stream, s.Token);
                }

                p.MediaPath = (new RestoreTarget(engine, holder.Container.Id), holder.Mount.Destination);
                break;
        }

        stream.EnsureIntact(m?.SizeBytes, m?.Sha256);
        p.Bytes = stream.BytesRead;
        p.Sha256 = stream.Sha256;
        await s.Scope.Items.ProgressAsync(p.Seq, p.Bytes, p.Sha256, p.Item.Entry.Id, s.Token);
        await s.Scope.LogAsync($"{p.Item.Entry.Name}: {result.Note} ({p.Bytes} bytes read, sha256 {p.Sha256[..12]}…)", s.Token);
    }

    private async Task VerifyItemsAsync(RunContext s)
    {
        var failed = new List<string>();
        foreach (var p in s.Items)
        {
            var m = p.Item.Manifest;
            var check = p.Item.Store switch
            {
                BackupStores.Postgres => await PostgresRestore.VerifyAsync(await containers.TargetAsync(BackupStores.Postgres, s.Token), p.Item.Database!, m?.RowCounts, s.Token),
                BackupStores.Redis => await RedisRestore.VerifyAsync(await containers.TargetAsync(BackupStores.Redis, s.Token), m?.KeyCount, s.Token),
                BackupStores.Mongo => p.Check ?? StoreVerification.Fail("mongorestore did not report."),
                _ => await MediaRestore.VerifyAsync(p.MediaPath!.Value.Target, p.MediaPath.Value.Path, m?.FileCount, m?.ContentBytes, s.Token),
            };
            await s.Scope.LogAsync($"{(check.Ok ? "✔" : "✖")} {p.Item.Entry.Name}: {check.Detail}", s.Token);
            if (check.Ok)
            {
                p.Done = true;
                await s.Scope.Items.SucceededAsync(p.Seq, p.Bytes, p.Sha256, p.Item.Entry.Id);
            }
            else
            {
                p.Error = check.Detail;
                failed.Add(check.Detail);
            }
        }

        if (failed.Count > 0)
        {
            throw new RestoreStepException($"{failed.Count} of {s.Items.Count} restored stores do not match their backup: {string.Join(" ", failed)}");
        }
    }

    private async Task StartWritersAsync(RunContext s)
    {
        var all = s.Stopped.Concat(s.Inherited.SelectMany(r => r.StoppedWriters)).DistinctBy(w => (w.Host, w.Id)).ToList();
        var result = await StartStoppedAsync(s, all);
        if (result.Failures.Count > 0)
        {
            throw new RestoreStepException(string.Join("; ", result.Failures) + ".");
        }
    }

    private async Task HealthGateAsync(RunContext s) =>
        await s.Scope.LogAsync(await health.WaitAsync(TimeSpan.FromSeconds(options.CurrentValue.HealthTimeoutSeconds), s.Token), s.Token);

    private async Task MaintenanceOffAsync(RunContext s)
    {
        if (!s.MaintenanceByUs)
        {
            await s.Scope.LogAsync("Maintenance was on before this restore: left on.", s.Token);
            return;
        }

        await maintenance.DisableAsync($"{s.Actor} (restore run {s.RunId})", s.Token);
        s.MaintenanceByUs = false;
        await s.Scope.LogAsync("Maintenance is off; nginx answers again.", s.Token);
    }

    private static int Order(string store) => store switch
    {
        BackupStores.Postgres => 0,
        BackupStores.Redis => 1,
        BackupStores.Mongo => 2,
        _ => 3,
    };
}

/// <summary>A restore run's working state.</summary>
internal sealed class RunContext(RunScope scope, StartRestoreRequest request)
{
    public RunScope Scope => scope;

    public string RunId => scope.RunId;

    public string Actor => scope.Run.Actor;

    public StartRestoreRequest Request => request;

    public CancellationToken Token => scope.Token;

    public RestorePlan? Plan { get; set; }

    public List<ItemProgress> Items { get; } = [];

    public List<StoppedWriter> Stopped { get; } = [];

    public List<StepTime> Steps { get; } = [];

    public List<RestoreRecord> Inherited { get; } = [];

    public bool MaintenanceByUs { get; set; }

    public string? SafetyRunId { get; set; }

    public List<string> SafetyBackupIds { get; } = [];

    public string? FailedStep { get; set; }
}

internal sealed class ItemProgress(RestoreItem item, int seq)
{
    public RestoreItem Item => item;

    public int Seq => seq;

    public long Bytes { get; set; }

    public string? Sha256 { get; set; }

    public bool Done { get; set; }

    public string? Error { get; set; }

    public StoreVerification? Check { get; set; }

    public (RestoreTarget Target, string Path)? MediaPath { get; set; }
}
