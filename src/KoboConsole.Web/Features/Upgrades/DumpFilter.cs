namespace KoboConsole.Web.Features.Upgrades;

/// <summary>Edits of <c>pg_dumpall --globals-only</c> output before it reaches the new cluster.</summary>
public static class DumpFilter
{
    /// <summary>Settings that belong to the data directory or the locale initdb chose, not carried to the new major.</summary>
    public static readonly IReadOnlySet<string> NotCopied = new HashSet<string>(StringComparer.Ordinal)
    {
        "data_directory", "hba_file", "ident_file", "config_file", "lc_messages", "lc_monetary", "lc_numeric", "lc_time",
        "default_text_search_config", "dynamic_shared_memory_type",
    };

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
