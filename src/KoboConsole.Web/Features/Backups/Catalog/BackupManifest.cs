using System.Text.Json;
using System.Text.Json.Serialization;

namespace KoboConsole.Web.Features.Backups;

/// <summary>
/// Written last, next to the files (<c>manifests/manifest-&lt;ts&gt;-&lt;runId&gt;.json</c>): what a
/// run made and how to check it. Its presence marks the files as console-made and verified.
/// </summary>
public sealed record BackupManifest(
    string RunId,
    string ConsoleVersion,
    string Domain,
    string Target,
    DateTimeOffset CreatedAt,
    DateTimeOffset FinishedAt,
    IReadOnlyList<ManifestItem> Items)
{
    public const string Folder = "manifests";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string FileName(DateTimeOffset at, string runId) => $"manifest-{BackupNames.Timestamp(at)}-{runId}.json";

    public static string ConsoleVersionNow =>
        typeof(BackupManifest).Assembly.GetName().Version?.ToString() ?? "0.0.0";
}

/// <summary>
/// One file of a run. <see cref="KeyCount"/> (Redis), <see cref="FileCount"/> and
/// <see cref="ContentBytes"/> (media: regular files in the tar and their bytes) were added for
/// restore checks; manifests written before them read as null (the check then says it cannot compare).
/// </summary>
public sealed record ManifestItem(
    string Store,
    string Key,
    string? Database,
    string Version,
    long SizeBytes,
    string Sha256,
    string SourceHost,
    string SourceContainer,
    string SourceImage,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    IReadOnlyDictionary<string, long>? RowCounts,
    string? Note,
    long? KeyCount = null,
    long? FileCount = null,
    long? ContentBytes = null);
