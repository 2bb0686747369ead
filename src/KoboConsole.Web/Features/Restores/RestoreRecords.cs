using KoboConsole.Web.Features.Backups;

namespace KoboConsole.Web.Features.Restores;

/// <summary>
/// <c>POST /api/v1/restores</c>. <see cref="Confirm"/> is the kobo public domain (or the Docker host
/// name of the back end when no domain is known). <see cref="SafetyBackup"/> defaults to true;
/// false needs <see cref="SkipSafetyReason"/> (recorded in the audit). Kobo-made backups have no
/// manifest, so no hash to check: <see cref="AcceptUnverified"/> must be true to restore them. A
/// PostgreSQL restore while a streaming secondary runs needs <see cref="AcceptReplication"/>
/// (see <see cref="ReplicationNotice"/>).
/// </summary>
public sealed record StartRestoreRequest(
    IReadOnlyList<string>? BackupIds,
    string? Confirm,
    bool? SafetyBackup = null,
    string? SkipSafetyReason = null,
    bool? AcceptUnverified = null,
    bool? AcceptReplication = null);

/// <summary><c>POST /api/v1/restores/preflight</c>: the same checks the run starts with, nothing touched.</summary>
public sealed record PreflightRequest(IReadOnlyList<string>? BackupIds, bool? SafetyBackup = null, bool? AcceptUnverified = null, bool? AcceptReplication = null);

/// <summary>One backup to restore, resolved from the catalog, with its manifest entry when console-made.</summary>
public sealed record RestoreItem(BackupEntry Entry, string Key, ManifestItem? Manifest, string? Database, string? BackupDomain)
{
    public string Store => Entry.Store;

    /// <summary>What the restore overwrites: a database name, a media volume, or the store.</summary>
    public string Scope => Database is { } d ? $"{Store} {d}" : Store;

    public bool Verified => Manifest is not null;
}

/// <summary>One pre-flight check. <see cref="Blocking"/> failures refuse the restore; others are warnings.</summary>
public sealed record PreflightCheck(string Name, bool Ok, bool Blocking, string Detail);

/// <summary>What a restore would do, and whether it may start.</summary>
public sealed record RestorePlan(
    IReadOnlyList<RestoreItem> Items,
    IReadOnlyList<PreflightCheck> Checks,
    string? CurrentDomain,
    string ConfirmPhrase,
    IReadOnlyList<string> Writers)
{
    public bool CanStart => Checks.All(c => c.Ok || !c.Blocking);

    public IEnumerable<PreflightCheck> Problems => Checks.Where(c => !c.Ok && c.Blocking);
}

/// <summary>The API's view of a plan (<c>POST /api/v1/restores/preflight</c>).</summary>
public sealed record PreflightResponse(
    bool CanStart,
    string ConfirmPhrase,
    string? CurrentDomain,
    IReadOnlyList<PreflightItemResponse> Items,
    IReadOnlyList<PreflightCheck> Checks,
    IReadOnlyList<string> Writers)
{
    public static PreflightResponse From(RestorePlan p) => new(p.CanStart, p.ConfirmPhrase, p.CurrentDomain,
        p.Items.Select(i => new PreflightItemResponse(i.Entry.Id, i.Store, i.Entry.Target, i.Entry.Name, i.Database, i.Entry.SizeBytes, i.Entry.Sha256,
            i.Entry.Origin, i.BackupDomain, $"replaces the current {i.Scope}")).ToList(), p.Checks, p.Writers);
}

public sealed record PreflightItemResponse(string BackupId, string Store, string Target, string Name, string? Database, long SizeBytes, string? Sha256,
    string Origin, string? BackupDomain, string Overwrites);

/// <summary>
/// <c>GET /api/v1/restores/{runId}</c>: where a restore stopped and how to undo it. <see cref="Rollback"/>
/// is the request that restores the safety backup (itself a guarded restore), null when none was made.
/// <see cref="Steps"/> is each step's time; <see cref="DowntimeSeconds"/> adds up those spent with
/// maintenance on by this run (null when the run did not turn maintenance on).
/// </summary>
public sealed record RestoreResultResponse(
    string RunId,
    string State,
    string? FailedStep,
    string? Error,
    bool MaintenanceLeftOn,
    IReadOnlyList<string> WritersLeftStopped,
    string? SafetyRunId,
    IReadOnlyList<string> SafetyBackupIds,
    StartRestoreRequest? Rollback,
    IReadOnlyList<StepTime>? Steps = null,
    double? DowntimeSeconds = null);

/// <summary>The steps of a restore, in order, as the run shows them.</summary>
public static class RestoreSteps
{
    public const string Preflight = "pre-flight";
    public const string MaintenanceOn = "maintenance on";
    public const string StopWriters = "stop writers";
    public const string SafetyBackup = "safety backup";
    public const string Restore = "restore";
    public const string Verify = "verify";
    public const string StartWriters = "start writers";
    public const string HealthGate = "health gate";
    public const string MaintenanceOff = "maintenance off";

    public static readonly IReadOnlyList<string> All = [Preflight, MaintenanceOn, StopWriters, SafetyBackup, Restore, Verify, StartWriters, HealthGate, MaintenanceOff];
}

/// <summary>A request the service refuses: 422 with field errors, or 409 when something else runs.</summary>
public sealed class RestoreRefusedException(string message, IDictionary<string, string[]>? errors = null, bool conflict = false) : Exception(message)
{
    public IDictionary<string, string[]> Errors { get; } = errors ?? new Dictionary<string, string[]>();

    public bool Conflict { get; } = conflict;
}
