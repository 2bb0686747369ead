using System.IO.Pipelines;
using System.Text.Json;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Maintenance;
using KoboConsole.Web.Features.Restores;
using KoboConsole.Web.Features.Restores.Stores;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Upgrades;

/// <summary>
/// The runs of a PostgreSQL major upgrade (kind <c>upgrade</c>), each inside a <see cref="RunScope"/>:
/// <c>prepare</c> fills and verifies a NEW data directory with the target major while the old server
/// keeps its data; <c>switch</c> (the admin's confirmation) runs postgres on the new image and data;
/// <c>rollback</c> puts the old container back; <c>retire</c> removes the old container. A failure
/// while preparing or switching rolls back to the old server by itself. Never retried.
/// </summary>
public sealed partial class UpgradeRunner(
    RunStore runs,
    RunScopes scopes,
    UpgradeLedger ledger,
    PostgresFactsReader facts,
    RestoreService restores,
    MaintenanceService maintenance,
    BackupRunner backups,
    HealthGate health,
    StackDiscovery discovery,
    IDockerHosts hosts,
    IOptionsMonitor<RestoresOptions> options,
    TimeProvider time)
{
    public const string Kind = "upgrade";
    public const string Lease = "upgrade";

    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(2);

    public async Task RunAsync(string runId, CancellationToken jobToken)
    {
        var run = await runs.GetAsync(runId, jobToken) ?? throw new InvalidOperationException($"Upgrade run {runId} does not exist.");
        if (run.State != RunStates.Queued)
        {
            if (run.State == RunStates.Running)
            {
                await runs.FinishAsync(runId, RunStates.Failed, "the console stopped while this upgrade step ran; it is never retried automatically. "
                    + "GET /api/v1/upgrades/postgres/{id} says where it stands; roll back from there.", CancellationToken.None);
            }

            return;
        }

        var request = JsonSerializer.Deserialize<UpgradeRunRequest>(run.Request ?? "{}", UpgradeRunRequest.Json)!;
        await using var scope = await scopes.BeginAsync(run, jobToken);
        var s = new UpgradeContext(scope, request);
        string outcome = RunStates.Succeeded;
        string? error = null;
        try
        {
            if (await scope.TryHoldAsync(Lease, runId, scope.Token) is null)
            {
                throw new UpgradeRefusedException("another upgrade step runs; wait for it to end.");
            }

            switch (request.Action)
            {
                case UpgradeRunRequest.Prepare:
                    await PrepareAsync(s);
                    break;
                case UpgradeRunRequest.Switch:
                    await SwitchAsync(s);
                    break;
                case UpgradeRunRequest.Rollback:
                    await RollbackAsync(s, await RecordAsync(s), "asked for by " + s.Actor);
                    break;
                default:
                    await RetireAsync(s);
                    break;
            }
        }
        catch (Exception ex) when (ex is UpgradeRefusedException or RestoreStepException or DockerException or MaintenanceRefusedException
            or MaintenanceSwitchException or BackupItemException or IOException or OperationCanceledException)
        {
            outcome = scope.Token.IsCancellationRequested ? RunStates.Cancelled : RunStates.Failed;
            error = $"{s.Step ?? "start"}: {(ex is OperationCanceledException ? "the run was cancelled." : ex.Message)} {s.Aftermath}".Trim();
            await scope.LogAsync($"✖ {error}", CancellationToken.None);
        }

        await scope.EndAsync(outcome, error, $"postgres upgrade {request.UpgradeId ?? runId} ({request.Action})", error ?? s.Summary);
    }

    private static async Task StepAsync(UpgradeContext s, string step, Func<Task> action)
    {
        s.Step = step;
        await s.Scope.StepAsync(step, CancellationToken.None);
        await s.Scope.LogAsync($"▶ {step}", CancellationToken.None);
        s.Token.ThrowIfCancellationRequested();
        await action();
    }

    private async Task<UpgradeRecord> RecordAsync(UpgradeContext s) =>
        await ledger.GetAsync(s.Request.UpgradeId ?? "", CancellationToken.None)
        ?? throw new UpgradeRefusedException($"there is no upgrade {s.Request.UpgradeId}.");

    private async Task PrepareAsync(UpgradeContext s)
    {
        PostgresFacts f = null!;
        PostgresUpgradePlan plan = null!;
        await StepAsync(s, "pre-flight", async () =>
        {
            f = await facts.ReadAsync(s.Request.TargetImage!, s.Token);
            plan = PostgresUpgradePlanner.Plan(f, s.Request.Method, s.Request.SkipBackupReason, await restores.ConfirmPhraseAsync(s.Token), time.GetUtcNow(),
                TimeSpan.FromHours(24));
            foreach (var c in plan.Checks)
            {
                await s.Scope.LogAsync($"{(c.Ok ? "✔" : c.Blocking ? "✖" : "⚠")} {c.Name}: {c.Detail}", s.Token);
            }

            if (!plan.CanStart)
            {
                throw new UpgradeRefusedException("refused before anything was touched: " + string.Join(" ", plan.Problems.Select(p => p.Detail)));
            }

            if (!string.Equals(plan.ConfirmPhrase, s.Request.Confirm?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                throw new UpgradeRefusedException($"the confirmation is not this install's domain ({plan.ConfirmPhrase}); nothing was changed.");
            }
        });
        var record = new UpgradeRecord(s.RunId, UpgradeStages.Prepared, f.Host, f.ContainerId, f.ContainerName, f.CurrentImage, f.DataPath, f.DataSource,
            plan.NewDataSource, f.DataIsNamedVolume, f.Target.Image, null, [], false, new Dictionary<string, IReadOnlyDictionary<string, long>>(), null, plan.Change);
        s.Record = record;
        try
        {
            await StepAsync(s, "maintenance on", () => MaintenanceOnAsync(s));
            await StepAsync(s, "stop writers", () => StopWritersAsync(s));
            await StepAsync(s, "safety backup", () => SafetyBackupAsync(s));
            await StepAsync(s, "new data directory", () => MigrateAsync(s, f));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The old server kept running on its own data: giving kobo back is starting the writers.
            s.Aftermath = await GiveBackAsync(s, s.Record!, UpgradeStages.Failed);
            throw;
        }

        await s.Scope.LogAsync($"The new data directory {record.NewDataSource} holds PostgreSQL {f.Target.Major} with the same rows. kobo stays in maintenance with "
            + "its writers stopped until you switch (POST /api/v1/upgrades/postgres/" + s.RunId + "/switch) or roll back.", CancellationToken.None);
        if (plan.Change is { } change)
        {
            await s.Scope.LogAsync($"Before or after the switch, edit {change.File} (service {change.Service}): {string.Join(", ", change.After)}. {change.Note}", CancellationToken.None);
        }

        s.Summary = $"prepared {record.NewDataSource} with {f.Target.Image}; waiting for the switch";
    }

    private async Task MaintenanceOnAsync(UpgradeContext s)
    {
        if ((await maintenance.GetStatusAsync(s.Token)).State == "on")
        {
            await s.Scope.LogAsync("Maintenance was already on; it is left on at the end.", s.Token);
            return;
        }

        await maintenance.EnableAsync(MaintenanceFields.Defaults(time.GetUtcNow(), await maintenance.DefaultEmailAsync(s.Token)), $"{s.Actor} (upgrade run {s.RunId})", s.Token);
        await SaveAsync(s, s.Record! with { MaintenanceByUs = true });
    }

    private async Task StopWritersAsync(UpgradeContext s)
    {
        var snapshot = await discovery.DiscoverAsync(false, s.Token);
        var writers = snapshot.Containers.Where(c => KoboNames.Writers.Contains(c.Service) && c.Running).ToList();
        var stopped = new List<StoppedWriter>();
        var result = await new WriterSwitch(hosts).StopAllAsync(writers, TimeSpan.FromSeconds(options.CurrentValue.WriterStopTimeoutSeconds), async w =>
        {
            stopped.Add(w);
            await SaveAsync(s, s.Record! with { StoppedWriters = [.. stopped] });
            await s.Scope.LogAsync($"Stopped {w.Name} on {w.Host}.", CancellationToken.None);
        }, s.Token);
        if (result.Failures.Count > 0)
        {
            throw new RestoreStepException(string.Join("; ", result.Failures) + ".");
        }
    }

    private async Task SafetyBackupAsync(UpgradeContext s)
    {
        var request = new StartBackupRequest([BackupStores.Postgres], options.CurrentValue.SafetyTarget);
        var id = await runs.CreateAsync(BackupRunner.Kind, $"{s.Actor} (safety backup of upgrade run {s.RunId})", JsonSerializer.Serialize(request, BackupManifest.Json), s.Token);
        await SaveAsync(s, s.Record! with { SafetyRunId = id });
        await s.Scope.LogAsync($"Safety backup run {id}: postgres to {request.Target}.", s.Token);
        await backups.RunAsync(id, s.Token);
        var view = await runs.GetAsync(id, CancellationToken.None);
        if (view?.State != RunStates.Succeeded)
        {
            throw new RestoreStepException($"the safety backup (run {id}) {view?.State ?? "vanished"}: {view?.Items.FirstOrDefault(i => i.Error is not null)?.Error ?? view?.Error}.");
        }
    }

    private async Task MigrateAsync(UpgradeContext s, PostgresFacts f)
    {
        var engine = hosts.Get(f.Host);
        var old = new RestoreTarget(engine, f.ContainerId);
        var login = PostgresRestore.Login.Of(await engine.InspectContainerAsync(f.ContainerId, s.Token));
        var counts = new Dictionary<string, IReadOnlyDictionary<string, long>>(StringComparer.Ordinal);
        foreach (var db in f.Databases)
        {
            counts[db.Name] = await PostgresRestore.RowCountsAsync(old, db.Name, s.Token);
        }

        await SaveAsync(s, s.Record! with { RowCounts = counts });
        var bind = $"{s.Record!.NewDataSource}:{f.DataPath}";
        await using var server = await NewServer.StartAsync(engine, f.Target.Image, bind, f.DataPath, login.User, s.RunId, s.Token);
        await server.WaitReadyAsync(ReadyTimeout, s.Token);
        await s.Scope.LogAsync($"PostgreSQL {f.Target.Major} runs on {s.Record.NewDataSource} (initdb done).", s.Token);

        await StepAsync(s, "dump and restore", async () =>
        {
            // Roles first (without the superuser initdb already made), then each database streamed with pg_dump --create:
            // what pg_dumpall writes, minus its "CREATE ROLE <superuser>" that fails on the new cluster.
            var globals = await ContainerExec.TextAsync(engine, f.ContainerId, ["pg_dumpall", "--globals-only", "-U", login.User], login.Env, "pg_dumpall --globals-only", s.Token);
            using (var roles = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(DumpFilter.WithoutCreateRole(globals, login.User))))
            {
                await StdinExec.RunAsync(server.Target, Psql(login.User, "postgres"), roles, "psql restoring the roles", s.Token);
            }

            foreach (var db in f.Databases)
            {
                await CopyDatabaseAsync(engine, f.ContainerId, login, server.Target, db.Name, s.Token);
                await s.Scope.LogAsync($"{db.Name}: pg_dump streamed into PostgreSQL {f.Target.Major}.", s.Token);
            }
        });
        await StepAsync(s, "configuration", () => CopyConfigurationAsync(s, old, server.Target, login));
        await StepAsync(s, "update extensions", () => UpdateExtensionsAsync(s, server.Target, login.User, f));
        await StepAsync(s, "analyze", async () =>
        {
            await StdinExec.TextAsync(server.Target, ["vacuumdb", "-U", login.User, "--all", "--analyze-in-stages"], [], "vacuumdb --analyze-in-stages", s.Token);
            await s.Scope.LogAsync("vacuumdb --all --analyze-in-stages done.", s.Token);
        });
        await StepAsync(s, "verify", () => VerifyAsync(s, old, server.Target, login.User, counts));
    }

    /// <summary>
    /// The old server's pg_hba.conf, and every setting its configuration files set that the new major
    /// still knows (ALTER SYSTEM, applied when the switched container starts): initdb's defaults would
    /// listen on localhost only and refuse kobo's containers.
    /// </summary>
    private static async Task CopyConfigurationAsync(UpgradeContext s, RestoreTarget old, RestoreTarget now, PostgresRestore.Login login)
    {
        async Task<string> Sql(RestoreTarget t, string sql) =>
            await StdinExec.TextAsync(t, ["psql", "-X", "-At", "-F", "\t", "-U", login.User, "-d", "postgres", "-c", sql], login.Env, "reading the configuration", s.Token);

        var hbaFile = (await Sql(old, "SHOW hba_file")).Trim();
        var hba = await StdinExec.TextAsync(old, ["cat", hbaFile], [], "reading pg_hba.conf", s.Token);
        using (var input = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(hba)))
        {
            await StdinExec.RunAsync(now, new ExecSpec { Cmd = ["sh", "-c", "cat > \"$D/pg_hba.conf\" && chown postgres:postgres \"$D/pg_hba.conf\" && chmod 600 \"$D/pg_hba.conf\""] },
                input, "writing pg_hba.conf", s.Token);
        }

        var known = (await Sql(now, "SELECT name FROM pg_settings WHERE context <> 'internal'")).Split('\n', StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var copied = new List<string>();
        foreach (var line in (await Sql(old, "SELECT name, current_setting(name) FROM pg_settings WHERE source = 'configuration file' ORDER BY 1")).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, value) = (line.Split('\t')[0], line.Split('\t').ElementAtOrDefault(1) ?? "");
            if (!known.Contains(name) || DumpFilter.NotCopied.Contains(name))
            {
                continue;
            }

            await Sql(now, $"ALTER SYSTEM SET {name} = '{value.Replace("'", "''", StringComparison.Ordinal)}'");
            copied.Add($"{name}={value}");
        }

        await s.Scope.LogAsync($"pg_hba.conf copied; settings carried over with ALTER SYSTEM: {(copied.Count == 0 ? "none" : string.Join(", ", copied))}.", s.Token);
    }

    private static ExecSpec Psql(string user, string database) => new() { Cmd = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-U", user, "-d", database] };

    /// <summary><c>pg_dump</c> (with <c>--create</c>, except for the <c>postgres</c> database initdb made) piped into <c>psql</c> on the new server.</summary>
    private static async Task CopyDatabaseAsync(IContainerEngine engine, string oldId, PostgresRestore.Login login, RestoreTarget target, string database, CancellationToken ct)
    {
        var pipe = new Pipe();
        string[] cmd = database == "postgres" ? ["pg_dump", "-U", login.User, "-d", database] : ["pg_dump", "--create", "-U", login.User, "-d", database];
        var dump = Task.Run(async () =>
        {
            try
            {
                await using var into = pipe.Writer.AsStream(leaveOpen: true);
                await ContainerExec.StreamAsync(engine, oldId, new ExecSpec { Cmd = cmd, Env = login.Env }, into, $"pg_dump of {database}", ct);
                await pipe.Writer.CompleteAsync();
            }
            catch (Exception ex)
            {
                await pipe.Writer.CompleteAsync(ex);
                throw;
            }
        }, ct);
        await using var from = pipe.Reader.AsStream();
        var restore = StdinExec.RunAsync(target, Psql(login.User, "postgres"), from, $"psql restoring {database}", ct);
        await Task.WhenAll(dump, restore);
    }

    private static async Task UpdateExtensionsAsync(UpgradeContext s, RestoreTarget target, string user, PostgresFacts f)
    {
        foreach (var group in f.Extensions.Where(e => e.Name != "plpgsql").GroupBy(e => e.Database))
        {
            foreach (var ext in group)
            {
                var sql = ext.Name == "postgis" ? "SELECT postgis_extensions_upgrade()" : $"ALTER EXTENSION \"{ext.Name.Replace("\"", "\"\"", StringComparison.Ordinal)}\" UPDATE";
                await StdinExec.TextAsync(target, ["psql", "-X", "-v", "ON_ERROR_STOP=1", "-U", user, "-d", group.Key, "-c", sql], [], $"updating {ext.Name} in {group.Key}", s.Token);
                var now = await StdinExec.TextAsync(target, ["psql", "-X", "-At", "-U", user, "-d", group.Key, "-c", $"SELECT extversion FROM pg_extension WHERE extname = '{ext.Name.Replace("'", "''", StringComparison.Ordinal)}'"],
                    [], "reading the extension's version", s.Token);
                await s.Scope.LogAsync($"{ext.Name} in {group.Key}: {ext.Version} → {now.Trim()}.", s.Token);
            }
        }
    }

    /// <summary>Row counts per table equal, the same extensions and the same roles on both servers.</summary>
    internal static async Task VerifyAsync(UpgradeContext s, RestoreTarget? old, RestoreTarget now, string user, IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> before)
    {
        var problems = new List<string>();
        var tables = 0;
        foreach (var (db, expected) in before)
        {
            var got = await PostgresRestore.RowCountsAsync(now, db, s.Token);
            problems.AddRange(UpgradeVerification.Compare(db, expected, got));
            tables += expected.Count;
        }

        if (old is not null)
        {
            foreach (var (what, sql, db) in new[] { ("roles", "SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY 1", "postgres") }
                .Concat(before.Keys.Select(d => ("extensions in " + d, "SELECT extname FROM pg_extension ORDER BY 1", d))))
            {
                var a = await StdinExec.TextAsync(old, ["psql", "-X", "-At", "-U", user, "-d", db, "-c", sql], [], "listing " + what, s.Token);
                var b = await StdinExec.TextAsync(now, ["psql", "-X", "-At", "-U", user, "-d", db, "-c", sql], [], "listing " + what, s.Token);
                if (UpgradeVerification.Missing(a, b) is { Count: > 0 } missing)
                {
                    problems.Add($"{what}: missing on the new server: {string.Join(", ", missing)}");
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new RestoreStepException("the new server does not match: " + string.Join("; ", problems.Take(10)) + ".");
        }

        await s.Scope.LogAsync($"✔ {tables} tables in {before.Count} databases have the same row counts" + (old is null ? "." : "; roles and extensions are all present."), s.Token);
    }

    private Task SaveAsync(UpgradeContext s, UpgradeRecord r)
    {
        s.Record = r;
        return ledger.SaveAsync(r, CancellationToken.None);
    }
}
