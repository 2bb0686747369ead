using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace KoboConsole.Web.Features.Maintenance.KoboInstall;

/// <summary>What the console reads from kobo-install's <c>.run.conf</c> (never its passwords).</summary>
public sealed record KoboInstallSettings(
    string? PublicDomain,
    string? MaintenanceEmail,
    string? ServerRole,
    string? BackendServerRole,
    bool? Multi,
    bool? MaintenanceEnabled,
    string? KoboDockerPath,
    IReadOnlyDictionary<string, string> BackupSchedules)
{
    /// <summary>"front end and back end on this server", "front end", "back end (primary)"...</summary>
    public string Role => Multi != true ? "front end and back end on this server"
        : ServerRole == "backend" ? $"back end{(BackendServerRole is { Length: > 0 } b ? $" ({b})" : "")}" : "front end";
}

/// <summary>
/// kobo-install's settings file: JSON written by Python's <c>json.dumps(indent=2, sort_keys=True)</c>.
/// The console changes one value, <c>maintenance_enabled</c>, by editing that token in the text, so
/// every other byte (key order, indentation, escapes) stays as kobo-install wrote it.
/// </summary>
public static partial class RunConf
{
    public const string FileName = ".run.conf";

    /// <exception cref="FormatException">The text is not a JSON object.</exception>
    public static KoboInstallSettings Read(string json)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw new FormatException("it is not a JSON object");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"it is not valid JSON ({ex.Message})", ex);
        }

        var schedules = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var store in new[] { "postgres", "mongo", "redis" })
        {
            if (Text(root, $"{store}_backup_schedule") is { Length: > 0 } cron)
            {
                schedules[store] = cron;
            }
        }

        return new KoboInstallSettings(Text(root, "public_domain_name"), Text(root, "maintenance_email"), Text(root, "server_role"),
            Text(root, "backend_server_role"), Bool(root, "multi"), Bool(root, "maintenance_enabled"), Text(root, "kobodocker_path"), schedules);
    }

    /// <summary>The text with <c>maintenance_enabled</c> set; the key is added (as kobo-install would sort it) when missing.</summary>
    public static string WithMaintenance(string json, bool enabled)
    {
        var value = enabled ? "true" : "false";
        var matches = Flag().Matches(json);
        if (matches.Count == 1)
        {
            var m = matches[0];
            return json[..m.Groups["value"].Index] + value + json[(m.Groups["value"].Index + m.Groups["value"].Length)..];
        }

        // Missing (or odd, e.g. a string): rewrite the object in kobo-install's shape.
        var root = JsonNode.Parse(json) as JsonObject ?? throw new FormatException("it is not a JSON object");
        root["maintenance_enabled"] = enabled;
        var sorted = new JsonObject();
        foreach (var (key, node) in root.OrderBy(p => p.Key, StringComparer.Ordinal).ToList())
        {
            root.Remove(key);
            sorted[key] = node;
        }

        return sorted.ToJsonString(new JsonSerializerOptions { WriteIndented = true, IndentSize = 2 });
    }

    private static string? Text(JsonObject root, string key) =>
        root[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static bool? Bool(JsonObject root, string key) =>
        root[key] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    [GeneratedRegex("\"maintenance_enabled\"\\s*:\\s*(?<value>true|false)")]
    private static partial Regex Flag();
}
