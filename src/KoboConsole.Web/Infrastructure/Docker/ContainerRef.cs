using System.Text.RegularExpressions;

namespace KoboConsole.Web.Infrastructure.Docker;

/// <summary>What a container reference in a URL may look like: a Docker id (prefix) or a container name, nothing path-like.</summary>
public static partial class ContainerRef
{
    public static bool IsValid(string? value) => value is { Length: > 0 and <= 128 } && Pattern().IsMatch(value);

    /// <summary>The value cut for an error message (a 1 MB id is not echoed back).</summary>
    public static string Clip(string value) => value.Length > 64 ? value[..64] + "…" : value;

    // Docker's own rule for names ([a-zA-Z0-9][a-zA-Z0-9_.-]+), which hex ids also satisfy.
    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")]
    private static partial Regex Pattern();
}
