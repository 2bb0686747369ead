namespace KoboConsole.Web.Features.Stack;

/// <summary>A container's environment (Docker's <c>NAME=value</c> entries) as a dictionary: the one parser every feature uses.</summary>
public static class ContainerEnv
{
    /// <summary>Entries without '=' are skipped; a name given twice keeps its last value, as a process would see it.</summary>
    public static IReadOnlyDictionary<string, string> Of(IEnumerable<string> env) =>
        env.Select(e => e.Split('=', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.Ordinal);

    /// <summary>The name of one <c>NAME=value</c> entry (the whole entry when it has no '='), for filtering an environment without parsing it.</summary>
    public static string NameOf(string entry)
    {
        var eq = entry.IndexOf('=', StringComparison.Ordinal);
        return eq < 0 ? entry : entry[..eq];
    }
}
