namespace KoboConsole.Web.Features.Upgrades;

/// <summary>Edits of <c>pg_dumpall --globals-only</c> output before it reaches the new cluster.</summary>
public static class DumpFilter
{
    /// <summary>
    /// Drops the one <c>CREATE ROLE</c> of <paramref name="superuser"/>: initdb on the new directory
    /// already made that role, and psql with ON_ERROR_STOP would stop at "already exists". The
    /// following <c>ALTER ROLE</c> (attributes, password hash) still applies.
    /// </summary>
    public static string WithoutCreateRole(string globals, string superuser)
    {
        var plain = $"CREATE ROLE {superuser};";
        var quoted = $"CREATE ROLE \"{superuser.Replace("\"", "\"\"", StringComparison.Ordinal)}\";";
        return string.Join('\n', globals.Split('\n').Where(l => l.TrimEnd('\r') != plain && l.TrimEnd('\r') != quoted));
    }
}
