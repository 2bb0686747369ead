namespace KoboConsole.Web.Features.Drills;

/// <summary>POST /api/v1/drills.</summary>
public sealed record StartDrillRequest(IReadOnlyList<string>? Stores);

/// <summary>Labels on every throwaway container and network, so leftovers are recognisable.</summary>
public static class DrillLabels
{
    /// <summary>The run that made the object; the janitor removes objects of runs that are no longer executing.</summary>
    public const string Run = "org.koboconsole.drill";

    public const string Store = "org.koboconsole.drill.store";

    public static IReadOnlyDictionary<string, string> For(string runId, string store) =>
        new Dictionary<string, string>(StringComparer.Ordinal) { [Run] = runId, [Store] = store };
}

/// <summary>A drill of one store failed for a reason a person can act on.</summary>
public sealed class DrillException(string message, Exception? inner = null) : Exception(message, inner);
