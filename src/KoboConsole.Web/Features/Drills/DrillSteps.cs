using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Restores;
using KoboConsole.Web.Features.Restores.Stores;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Drills;

/// <summary>
/// A store's drill inside its sandbox: start the throwaway container, wait until it answers, then
/// the restore runbook's own primitives (Features/Restores/Stores) restore and verify, and every
/// byte read is checked against the manifest's size and SHA-256.
/// </summary>
public sealed class DrillSteps(RestoreSources sources, RunStore runs, IOptionsMonitor<DrillsOptions> options)
{
    // Keeps a media throwaway alive without the image's own server (kpi's image runs Django otherwise).
    private static readonly string[] Idle = ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"];

    private TimeSpan ReadyTimeout => TimeSpan.FromSeconds(options.CurrentValue.ReadyTimeoutSeconds);

    /// <summary>Returns what was proven, for the run log; throws <see cref="DrillException"/> naming the file when a backup could not be restored or verified.</summary>
    internal async Task<string> RunAsync(string runId, DrillPlan plan, DrillSandbox sandbox, CancellationToken ct)
    {
        var p = plan.Production;
        var container = plan.Store == BackupStores.Media
            ? await sandbox.StartAsync(p.ImageId, Idle[2..], Idle[..2], [], ct)
            : await sandbox.StartAsync(p.ImageId, p.Cmd, null, ThrowawayEnv(p.Env), ct);
        var target = new RestoreTarget(sandbox.Engine, container.Id);
        var (found, missing, opened) = await sources.ResolveAsync(plan.Backups.Select(b => b.Id).ToList(), ct);
        try
        {
            if (missing.Count > 0)
            {
                throw new DrillException($"{missing.Count} backup(s) of {plan.Store} disappeared from the catalog after the drill started (deleted by retention?); drill again.");
            }

            var proofs = new List<string>();
            foreach (var backup in found)
            {
                string proof;
                try
                {
                    proof = await DrillOneAsync(plan.Store, target, container, backup, proofs.Count == 0, ct);
                }
                catch (Exception ex) when (ex is RestoreStepException or DrillException or DockerException)
                {
                    // The item's reason names the file: a PostgreSQL drill restores one per database.
                    throw new DrillException($"{backup.Item.Entry.Name}: {ex.Message}", ex);
                }

                await runs.LogAsync(runId, $"{plan.Store}: {proof}", ct);
                proofs.Add(proof);
            }

            return string.Join(" ", proofs);
        }
        finally
        {
            foreach (var t in opened)
            {
                (t as IDisposable)?.Dispose();
            }
        }
    }

    /// <summary>Production's environment without kobo's backup schedules (a throwaway must not start cron jobs).</summary>
    internal static IReadOnlyList<string> ThrowawayEnv(IReadOnlyList<string> env) =>
        env.Where(e => !ContainerEnv.NameOf(e).EndsWith("_BACKUP_SCHEDULE", StringComparison.Ordinal)).ToList();

    private async Task<string> DrillOneAsync(string store, RestoreTarget target, ContainerDetails container, RestoreSources.Found backup, bool first, CancellationToken ct)
    {
        await using var stream = await BackupStream.OpenAsync(backup.Target, backup.Item.Key, ct);
        var m = backup.Item.Manifest;
        var name = backup.Item.Entry.Name;
        StoreVerification verified;
        switch (store)
        {
            case BackupStores.Postgres:
                var database = backup.Item.Database
                    ?? throw new DrillException($"{name} names no database; rename it like kobo's files (postgres-<db>-...).");
                if (first)
                {
                    await WaitAsync(target, "PostgreSQL", ["sh", "-c", "pg_isready -q -h 127.0.0.1 -U \"${POSTGRES_USER:-postgres}\""], ct);
                }

                // A clean database: what the image's own start-up put there must not count as restored.
                await StdinExec.TextAsync(target, ["sh", "-c", "dropdb --if-exists -U \"${POSTGRES_USER:-postgres}\" \"$0\"", database],
                    PostgresRestore.Login.Of(container).Env, $"emptying {database} in the throwaway", ct);
                await PostgresRestore.RestoreAsync(target, database, stream, ct);
                await FinishReadingAsync(stream, backup, ct);
                verified = await PostgresRestore.VerifyAsync(target, database, m?.RowCounts, ct);
                break;
            case BackupStores.Redis:
                await RedisCli.Of(target, container).WaitLoadedAsync(ReadyTimeout, ct);
                await RedisRestore.RestoreAsync(target, stream, ReadyTimeout, ct);
                await FinishReadingAsync(stream, backup, ct);
                verified = await RedisRestore.VerifyAsync(target, m?.KeyCount, ct);
                break;
            case BackupStores.Mongo:
                if (first)
                {
                    // The official image has mongosh; kobo's test bed stand-in has none and accepts at once.
                    await WaitAsync(target, "MongoDB", ["sh", "-c", "command -v mongosh >/dev/null || exit 0; exec mongosh --quiet --eval 'db.runCommand({ping: 1})'"], ct);
                }

                await MongoRestore.RestoreAsync(target, stream, ct);
                verified = MongoRestore.Verify(stream, m?.SizeBytes);
                await FinishReadingAsync(stream, backup, ct);
                break;
            default:
                var path = $"/tmp/kc-drill/{backup.Item.Database ?? "media"}";
                await StdinExec.TextAsync(target, ["mkdir", "-p", path], [], $"creating {path} in the throwaway", ct);
                await MediaRestore.RestoreAsync(target, path, stream, ct);
                await FinishReadingAsync(stream, backup, ct);
                verified = await MediaRestore.VerifyAsync(target, path, m?.FileCount, m?.ContentBytes, ct);
                break;
        }

        return $"{name}: {verified.OrThrow().Detail}";
    }

    /// <summary>The whole file was read and is the one the manifest describes (size and SHA-256), else the drill proved nothing.</summary>
    private static async Task FinishReadingAsync(BackupStream stream, RestoreSources.Found backup, CancellationToken ct)
    {
        if (!stream.Ended)
        {
            await stream.DrainAsync(ct);
        }

        stream.EnsureIntact(backup.Item.Manifest?.SizeBytes, backup.Item.Manifest?.Sha256);
    }

    private async Task WaitAsync(RestoreTarget target, string what, IReadOnlyList<string> probe, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + ReadyTimeout;
        var last = "no answer";
        while (DateTimeOffset.UtcNow < deadline)
        {
            try
            {
                await StdinExec.TextAsync(target, probe, [], $"asking the throwaway {what} whether it is ready", ct);
                return;
            }
            catch (RestoreStepException ex)
            {
                last = ex.Message;
            }

            await Task.Delay(500, ct);
        }

        throw new DrillException($"the throwaway {what} did not become ready within {ReadyTimeout.TotalSeconds:0} s ({last}); "
            + $"raise {DrillsOptions.Section}:ReadyTimeoutSeconds or check that production's image starts without its volumes.");
    }
}
