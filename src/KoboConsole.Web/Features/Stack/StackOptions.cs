namespace KoboConsole.Web.Features.Stack;

/// <summary>Which Docker Compose projects are kobo, beyond kobo's own names.</summary>
public sealed class StackOptions
{
    public const string Section = "KoboConsole:Stack";

    /// <summary>Extra compose project names to treat as kobo (an install renamed by hand).</summary>
    public List<string> ExtraProjects { get; set; } = [];
}
