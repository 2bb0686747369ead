using System.Text.Json;
using Hangfire;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Restores;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Upgrades;

/// <summary>Starts the upgrade runs for the API and the page: validates, checks the typed domain, records the run, queues it, audits.</summary>
public sealed class UpgradeService(RunStore runs, IBackgroundJobClient jobs, AuditLog audit, Leases leases, UpgradeLedger ledger, PostgresFactsReader facts,
    RestoreService restores, StackDiscovery discovery, IDockerHosts hosts, TimeProvider time)
{
    /// <summary>The longest free text (a reason to skip the backup, a confirmation) a request may carry.</summary>
    public const int MaxTextLength = 500;

    // A Docker image reference: [registry[:port]/]name[:tag][@digest], no spaces or markup.
    private static readonly System.Text.RegularExpressions.Regex ImageReference =
        new(@"^[A-Za-z0-9][A-Za-z0-9._/:@+-]*$", System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>Field errors of a request's shape (empty when well formed).</summary>
    public static Dictionary<string, string[]> Validate(string? targetImage, string? method, string? skipBackupReason = null, string? confirm = null)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(targetImage) || targetImage.Length > 255 || !ImageReference.IsMatch(targetImage))
        {
            errors["targetImage"] = ["is required: the PostgreSQL image to upgrade to, as 'docker images' lists it on the back-end host (e.g. postgis/postgis:17-3.5); it is never pulled."];
        }

        if (!UpgradeMethods.IsKnown(method))
        {
            errors["method"] = ["must be 'auto', 'dump' or 'pg_upgrade'."];
        }

        if (!IsPlainText(skipBackupReason))
        {
            errors["skipBackupReason"] = [$"must be plain text of at most {MaxTextLength} characters, without markup or control characters."];
        }

        if (!IsPlainText(confirm))
        {
            errors["confirm"] = [$"must be plain text of at most {MaxTextLength} characters: the kobo public domain the pre-flight shows."];
        }

        return errors;
    }

    /// <summary>An upgrade id as POST /api/v1/upgrades/postgres answered it (a run id: letters and digits).</summary>
    public static bool IsUpgradeId(string upgradeId) => upgradeId.Length is > 0 and <= 64 && upgradeId.All(char.IsAsciiLetterOrDigit);

    /// <summary>Null, or at most <see cref="MaxTextLength"/> characters without markup or control characters.</summary>
    public static bool IsPlainText(string? text) =>
        text is null || (text.Length <= MaxTextLength && !text.Any(c => c is '<' or '>' || char.IsControl(c)));

    /// <summary>The pre-flight: facts and plan, nothing of kobo's touched.</summary>
    public async Task<PostgresUpgradePlan> PreflightAsync(PostgresPreflightRequest request, CancellationToken cancellationToken)
    {
        var f = await facts.ReadAsync(request.TargetImage!.Trim(), cancellationToken);
        return PostgresUpgradePlanner.Plan(f, request.Method, request.SkipBackupReason, await restores.ConfirmPhraseAsync(cancellationToken), time.GetUtcNow(), TimeSpan.FromHours(24));
    }

    /// <exception cref="UpgradeRefusedException">Wrong confirmation (422) or another upgrade step running (409).</exception>
    public async Task<string> StartAsync(StartPostgresUpgradeRequest request, string actor, CancellationToken cancellationToken)
    {
        await ConfirmAsync(request.Confirm, actor, "start", cancellationToken);
        var runId = await QueueAsync(new UpgradeRunRequest(UpgradeRunRequest.Prepare, null, request.TargetImage!.Trim(), request.Method, request.Confirm!.Trim(),
            request.SkipBackupReason?.Trim()), actor, cancellationToken);
        await audit.WriteAsync(actor, "upgrade.start", $"postgres upgrade {runId}", "queued", $"to {request.TargetImage}"
            + (request.SkipBackupReason is { Length: > 0 } r ? $"; backup and drill precondition SKIPPED: {r.Trim()}" : ""), cancellationToken: cancellationToken);
        return runId;
    }

    /// <summary>Queues a switch, rollback or retire run of upgrade <paramref name="upgradeId"/>.</summary>
    public async Task<string?> ActAsync(string upgradeId, string action, string? confirm, string actor, CancellationToken cancellationToken)
    {
        if (await ledger.GetAsync(upgradeId, cancellationToken) is not { } record)
        {
            return null;
        }

        await ConfirmAsync(confirm, actor, action, cancellationToken);
        var runId = await QueueAsync(new UpgradeRunRequest(action, upgradeId), actor, cancellationToken);
        await audit.WriteAsync(actor, $"upgrade.{action}", $"postgres upgrade {upgradeId}", "queued", $"run {runId}; stage was {record.Stage}", cancellationToken: cancellationToken);
        return runId;
    }

    /// <summary>The MongoDB chain from the running mongo container's version (its image's <c>MONGO_VERSION</c>) to <paramref name="target"/>.</summary>
    public async Task<MongoUpgradePlan> MongoPlanAsync(string target, CancellationToken cancellationToken)
    {
        var snapshot = await discovery.DiscoverAsync(false, cancellationToken);
        var mongo = snapshot.Service("mongo").FirstOrDefault(c => c.Running) ?? throw new UpgradeRefusedException("no running 'mongo' container was found; start it, then plan again.");
        var env = ContainerEnv.Of((await hosts.Get(mongo.Host).InspectContainerAsync(mongo.Id, cancellationToken)).Env);
        var version = env.GetValueOrDefault("MONGO_VERSION") ?? throw new UpgradeRefusedException($"{mongo.Name} does not say its version (no MONGO_VERSION in its environment).");
        return MongoUpgradePlanner.Plan(version, null, target);
    }

    public Task<UpgradeRecord?> GetAsync(string upgradeId, CancellationToken cancellationToken) => ledger.GetAsync(upgradeId, cancellationToken);

    private async Task<string> QueueAsync(UpgradeRunRequest request, string actor, CancellationToken cancellationToken)
    {
        if (await leases.GetHolderAsync(UpgradeRunner.Lease, cancellationToken) is { } holder)
        {
            await audit.WriteAsync(actor, $"upgrade.{request.Action}", "postgres upgrade", "refused", $"another upgrade step runs ({holder.Holder})", cancellationToken: cancellationToken);
            throw new UpgradeRefusedException($"another upgrade step runs (run {holder.Holder}); wait for it to end.", conflict: true);
        }

        var runId = await runs.CreateAsync(UpgradeRunner.Kind, actor, JsonSerializer.Serialize(request, UpgradeRunRequest.Json), cancellationToken);
        jobs.Enqueue<UpgradeJob>(j => j.RunAsync(runId, CancellationToken.None));
        return runId;
    }

    private async Task ConfirmAsync(string? confirm, string actor, string action, CancellationToken cancellationToken)
    {
        var phrase = await restores.ConfirmPhraseAsync(cancellationToken);
        if (!string.Equals(confirm?.Trim(), phrase, StringComparison.OrdinalIgnoreCase))
        {
            await audit.WriteAsync(actor, $"upgrade.{action}", "postgres upgrade", "refused", "confirmation does not match", cancellationToken: cancellationToken);
            throw new UpgradeRefusedException($"confirm does not match: type this install's kobo public domain, {phrase}.");
        }
    }
}

/// <summary>The Hangfire job: the run id only; never retried.</summary>
public sealed class UpgradeJob(UpgradeRunner runner, RunRecovery recovery)
{
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Upgrade run {0}")]
    public Task RunAsync(string runId, CancellationToken cancellationToken)
        => recovery.GuardAsync(runId, () => runner.RunAsync(runId, cancellationToken), cancellationToken);
}
