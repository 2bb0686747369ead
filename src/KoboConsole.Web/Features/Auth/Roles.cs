namespace KoboConsole.Web.Features.Auth;

/// <summary>Roles, each including the ones before it: viewer &lt; operator &lt; admin.</summary>
public static class Roles
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Viewer, Operator, Admin];

    /// <summary>Policy names equal role names: the policy admits that role and every higher one.</summary>
    public static string[] AtLeast(string role) => role switch
    {
        Viewer => [Viewer, Operator, Admin],
        Operator => [Operator, Admin],
        Admin => [Admin],
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown role."),
    };

    public static bool IsKnown(string? role) => role is Viewer or Operator or Admin;
}
