using System.Text.Json;
using KoboConsole.Web.Features.Runs;

namespace KoboConsole.Web.Features.Upgrades;

/// <summary>What an upgrade run was asked to do (the run's stored request).</summary>
public sealed record UpgradeRunRequest(string Action, string? UpgradeId, string? TargetImage = null, string? Method = null, string? Confirm = null, string? SkipBackupReason = null)
{
    public const string Prepare = "prepare";
    public const string Switch = "switch";
    public const string Rollback = "rollback";
    public const string Retire = "retire";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}

/// <summary>One upgrade run's working state.</summary>
internal sealed class UpgradeContext(RunScope scope, UpgradeRunRequest request)
{
    public RunScope Scope => scope;

    public string RunId => scope.RunId;

    public string Actor => scope.Run.Actor;

    public UpgradeRunRequest Request => request;

    public CancellationToken Token => scope.Token;

    public string? Step { get; set; }

    public UpgradeRecord? Record { get; set; }

    /// <summary>What a failure left behind (said after the reason).</summary>
    public string? Aftermath { get; set; }

    public string Summary { get; set; } = "done";
}

/// <summary>The pure comparisons of the verify step.</summary>
public static class UpgradeVerification
{
    /// <summary>"koboform.public.kpi_asset: 12 before, 11 after" for every table that differs or is missing.</summary>
    public static IEnumerable<string> Compare(string database, IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after)
    {
        foreach (var (table, count) in before.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!after.TryGetValue(table, out var now))
            {
                yield return $"{database}.{table}: {count} rows before, table missing after";
            }
            else if (now != count)
            {
                yield return $"{database}.{table}: {count} rows before, {now} after";
            }
        }
    }

    /// <summary>Lines of <paramref name="before"/> not in <paramref name="after"/> (psql -At output).</summary>
    public static IReadOnlyList<string> Missing(string before, string after)
    {
        var had = after.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        return before.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !had.Contains(l)).ToList();
    }
}
