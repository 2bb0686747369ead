using KoboConsole.Web.Features.Runs;
using Microsoft.AspNetCore.Components;

namespace KoboConsole.Tests.Infrastructure;

/// <summary>
/// Dependencies point one way (docs/architecture.md): adapters in Infrastructure/ know nothing of
/// the features, and features do not use each other in a circle. Checked on the built assembly's
/// types and IL, so a fully qualified name or a Razor component counts as much as a using.
/// </summary>
public sealed class DependencyDirectionTests
{
    private const string Root = "KoboConsole.Web.";
    private static readonly Type[] AppTypes = typeof(RunScope).Assembly.GetTypes();

    [Fact]
    public void Infrastructure_UsesNoFeature()
    {
        var offenders = AppTypes.Where(t => InArea(t, "Infrastructure"))
            .SelectMany(t => TypeReferences.Of(t).Where(r => InArea(r, "Features")).Select(r => $"{Name(t)} uses {Name(r)}"))
            .Distinct().Order(StringComparer.Ordinal).ToList();

        Assert.True(offenders.Count == 0, "Infrastructure/ must not use Features/ (move the piece to Hosting/ or invert the dependency):\n"
            + string.Join('\n', offenders));
    }

    [Fact]
    public void Features_UseEachOtherWithoutCycles()
    {
        var edges = FeatureEdges();
        var cycles = Cycles(edges).Select(c => string.Join(" → ", c)).Order(StringComparer.Ordinal).ToList();

        Assert.True(cycles.Count == 0, "Features use each other in a circle; move what both need into a feature both may use (Stack, Runs):\n"
            + string.Join('\n', cycles.Select(c => $"{c}\n  {Why(edges, c)}")));
    }

    [Fact]
    public void FeatureEdges_SeeReferencesInMethodBodiesAndRazorComponents()
    {
        // The check itself: a Razor page's component and a call inside an async method are seen.
        var edges = FeatureEdges();

        Assert.Contains("Backups", edges["Restores"].Keys);
        Assert.Contains("Runs", edges["Backups"].Keys);
    }

    private static Dictionary<string, Dictionary<string, string>> FeatureEdges()
    {
        var edges = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var t in AppTypes.Where(t => InArea(t, "Features")))
        {
            var from = Feature(t);
            var to = edges.TryGetValue(from, out var e) ? e : edges[from] = new(StringComparer.Ordinal);
            // A page may show another feature's card (the Backups page shows the last drill): that is
            // composition of the UI, not a dependency of one feature's logic on another's.
            foreach (var r in TypeReferences.Of(t).Where(r => InArea(r, "Features") && Feature(r) != from && !typeof(IComponent).IsAssignableFrom(r)))
            {
                to.TryAdd(Feature(r), $"{Name(t)} uses {Name(r)}");
            }
        }

        return edges;
    }

    /// <summary>Each cycle once, as the features in it, starting from the alphabetically first.</summary>
    private static IEnumerable<List<string>> Cycles(Dictionary<string, Dictionary<string, string>> edges)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in edges.Keys.Order(StringComparer.Ordinal))
        {
            foreach (var next in edges[start].Keys)
            {
                if (PathTo(edges, next, start, [start]) is { } path && seen.Add(string.Join(",", path.Order(StringComparer.Ordinal))))
                {
                    yield return path;
                }
            }
        }
    }

    private static List<string>? PathTo(Dictionary<string, Dictionary<string, string>> edges, string from, string target, List<string> path)
    {
        if (from == target)
        {
            return [.. path, target];
        }

        if (path.Contains(from) || string.CompareOrdinal(from, target) < 0)
        {
            return null; // a cycle through an earlier feature is reported from that one
        }

        foreach (var next in edges.GetValueOrDefault(from)?.Keys ?? Enumerable.Empty<string>())
        {
            if (PathTo(edges, next, target, [.. path, from]) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private static string Why(Dictionary<string, Dictionary<string, string>> edges, string cycle)
    {
        var parts = cycle.Split(" → ");
        return string.Join("\n  ", parts.Zip(parts.Skip(1)).Select(p => edges[p.First][p.Second]));
    }

    private static bool InArea(Type t, string area) => t.Namespace?.StartsWith(Root + area, StringComparison.Ordinal) == true
        && (t.Namespace.Length == Root.Length + area.Length || t.Namespace[Root.Length + area.Length] == '.');

    private static string Feature(Type t) => t.Namespace![(Root.Length + "Features.".Length)..].Split('.')[0];

    private static string Name(Type t)
    {
        while (t.DeclaringType is { } outer)
        {
            t = outer; // a lambda's closure or an async state machine: name the type it belongs to
        }

        return $"{t.Namespace}.{t.Name}"[Root.Length..].Split('`')[0];
    }
}
