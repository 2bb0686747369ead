namespace KoboConsole.Web.Features.Backups;

/// <summary>The four things kobo keeps data in, as the API names them.</summary>
public static class BackupStores
{
    public const string Postgres = "postgres";
    public const string Mongo = "mongo";
    public const string Redis = "redis";
    public const string Media = "media";

    public static readonly IReadOnlyList<string> All = [Postgres, Mongo, Redis, Media];
}

public static class BackupTargets
{
    public const string Disk = "disk";
    public const string S3 = "s3";

    /// <summary>kobo's own disk backups (<see cref="KoboFolderTarget"/>): listed and restored from, never written.</summary>
    public const string Kobo = "kobo";

    /// <summary>Targets a backup can be written to.</summary>
    public static readonly IReadOnlyList<string> All = [Disk, S3];

    /// <summary>Where the catalog lists backups from (and restores read).</summary>
    public static readonly IReadOnlyList<string> Readable = [Disk, S3, Kobo];
}

/// <summary>Where a backup item's bytes come from (recorded in the manifest).</summary>
public sealed record BackupSource(string Host, string ContainerId, string ContainerName, string Image, string Service);

/// <summary>
/// One file to make: <paramref name="Folder"/> is kobo's service folder (postgres, mongo, redis,
/// media); <paramref name="ProduceAsync"/> writes the bytes to the stream it is given and throws
/// <see cref="BackupItemException"/> with the reason when the source failed.
/// </summary>
public sealed record BackupItemPlan(
    string Store,
    string Folder,
    string FileName,
    string? Database,
    string Version,
    BackupSource Source,
    Func<Stream, CancellationToken, Task<ItemFacts>> ProduceAsync);

/// <summary>
/// What a producer learnt while making its item: row counts per table (PostgreSQL), the key
/// count (Redis), regular files and their bytes (media); the restore checks compare with these.
/// </summary>
public sealed record ItemFacts(IReadOnlyDictionary<string, long>? RowCounts = null, string? Note = null, long? KeyCount = null, long? FileCount = null, long? ContentBytes = null)
{
    public static readonly ItemFacts None = new();
}

/// <summary>A backup item failed for a reason a person can act on.</summary>
public sealed class BackupItemException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// One backup in the catalog (<c>GET /api/v1/backups</c>). <see cref="Status"/> is <c>missing</c> when a
/// manifest lists the file but the target no longer holds it (<see cref="MissingSince"/>: when the
/// console first noticed); such an entry is never a restore source.
/// </summary>
public sealed record BackupEntry(
    string Id,
    string Store,
    string Target,
    string Name,
    long SizeBytes,
    DateTimeOffset CreatedAt,
    string? Sha256,
    string Origin,
    string? RunId,
    string Status = BackupEntry.Ok,
    DateTimeOffset? MissingSince = null)
{
    public const string ConsoleOrigin = "console";
    public const string KoboOrigin = "kobo";
    public const string Ok = "ok";
    public const string Missing = "missing";

    public bool IsMissing => Status == Missing;
}

/// <summary>POST /api/v1/backups.</summary>
public sealed record StartBackupRequest(IReadOnlyList<string>? Stores, string? Target)
{
    /// <summary>The request a backup run was created with, from the run's stored JSON.</summary>
    public static StartBackupRequest Of(string? json) =>
        System.Text.Json.JsonSerializer.Deserialize<StartBackupRequest>(json ?? "{}", BackupManifest.Json) ?? new StartBackupRequest(null, null);
}
