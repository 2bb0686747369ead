using KoboConsole.Web.Features.Drills;

namespace KoboConsole.Web.Features.Upgrades;

/// <summary>An extension installed in one database, e.g. postgis 3.3.2 in koboform.</summary>
public sealed record PgExtension(string Database, string Name, string Version);

/// <summary>One database and its size on disk.</summary>
public sealed record PgDatabase(string Name, long Bytes);

/// <summary>What the target image offers: its major (null: no PostgreSQL found), whether it also has the running major's binaries, its extensions.</summary>
public sealed record TargetImageFacts(string Image, int? Major, string? Version, bool HasOldMajorBinaries, IReadOnlyList<string> AvailableExtensions, string? Problem);

/// <summary>
/// Everything the pre-flight reads, nothing touched: the running primary (its major, data mount and
/// the free space of that file system), its databases and extensions, its secondaries, the target
/// image, and the newest drill proof of a PostgreSQL backup.
/// </summary>
public sealed record PostgresFacts(
    string Host,
    string ContainerId,
    string ContainerName,
    string CurrentImage,
    int CurrentMajor,
    string CurrentVersion,
    string DataPath,
    string DataSource,
    bool DataIsNamedVolume,
    long? FreeBytes,
    IReadOnlyList<PgDatabase> Databases,
    IReadOnlyList<PgExtension> Extensions,
    IReadOnlyList<string> Secondaries,
    TargetImageFacts Target,
    StoreProof? Drill);

/// <summary>One pre-flight check; a failed blocking check refuses the start.</summary>
public sealed record UpgradeCheck(string Name, bool Ok, bool Blocking, string Detail);

/// <summary>The line that must change in kobo-docker's configuration so the next <c>docker compose up</c> keeps the new major.</summary>
public sealed record ConfigChange(string File, string Service, IReadOnlyList<string> Before, IReadOnlyList<string> After, string Note);

/// <summary>The pre-flight's answer: checks, the method, the space it needs, the new data location and the steps.</summary>
public sealed record PostgresUpgradePlan(
    IReadOnlyList<UpgradeCheck> Checks,
    string Method,
    int CurrentMajor,
    int? TargetMajor,
    string TargetImage,
    long DataBytes,
    long RequiredBytes,
    long? FreeBytes,
    string NewDataSource,
    IReadOnlyList<string> Steps,
    ConfigChange? Change,
    string ConfirmPhrase)
{
    public bool CanStart => Checks.All(c => c.Ok || !c.Blocking);

    public IEnumerable<UpgradeCheck> Problems => Checks.Where(c => !c.Ok && c.Blocking);
}

/// <summary><c>POST /api/v1/upgrades/postgres/preflight</c>.</summary>
public sealed record PostgresPreflightRequest(string? TargetImage, string? Method = null, string? SkipBackupReason = null);

/// <summary><c>POST /api/v1/upgrades/postgres</c>: <c>confirm</c> is the kobo public domain, as for restores.</summary>
public sealed record StartPostgresUpgradeRequest(string? TargetImage, string? Method = null, string? Confirm = null, string? SkipBackupReason = null);

/// <summary><c>POST /api/v1/upgrades/postgres/{runId}/switch</c> and <c>/rollback</c> and <c>/retire</c>: the domain again.</summary>
public sealed record UpgradeConfirmRequest(string? Confirm);

public static class UpgradeMethods
{
    public const string Auto = "auto";
    public const string Dump = "dump";
    public const string PgUpgrade = "pg_upgrade";

    public static bool IsKnown(string? method) => method is null or Auto or Dump or PgUpgrade;
}

/// <summary>Where an upgrade stands (the <c>upgrades</c> table).</summary>
public static class UpgradeStages
{
    /// <summary>The new data directory is filled and verified; kobo runs on nothing (maintenance on), waiting for the admin's switch or rollback.</summary>
    public const string Prepared = "prepared";

    /// <summary>postgres runs the new major on the new data; the old container and data are kept for a rollback.</summary>
    public const string Switched = "switched";

    /// <summary>The old container and data are back in use.</summary>
    public const string RolledBack = "rolled_back";

    /// <summary>The admin retired the old container; no rollback any more.</summary>
    public const string Retired = "retired";

    /// <summary>The preparing run failed; rolled back to the old server.</summary>
    public const string Failed = "failed";
}

/// <summary><c>POST /api/v1/upgrades/mongo/plan</c>: the target major, e.g. 8.0.</summary>
public sealed record MongoPlanRequest(string? Target);

/// <summary><c>POST /api/v1/stack/{part}/{action}</c>: <c>maintenance</c> puts the maintenance page up around the operation.</summary>
public sealed record StackOperationRequest(bool Maintenance = false);
