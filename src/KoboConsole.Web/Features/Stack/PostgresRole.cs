namespace KoboConsole.Web.Features.Stack;

public enum ReplicationRole
{
    /// <summary>kobo's <c>primary</c> or <c>master</c>, or no role at all (a standalone server).</summary>
    Primary,

    /// <summary>kobo's <c>secondary</c> or <c>slave</c>: a read-only streaming standby.</summary>
    Secondary,

    /// <summary>A word kobo never used: shown as it is, never chosen for a backup or restore.</summary>
    Unknown,
}

/// <summary>
/// A PostgreSQL container's replication role from kobo's <c>KOBO_POSTGRES_DB_SERVER_ROLE</c>:
/// <c>master</c>/<c>slave</c> in older back ends, <c>primary</c>/<c>secondary</c> from 2020, any
/// case. <see cref="Word"/> is the value as configured (null when the variable is not set).
/// </summary>
public sealed record PostgresRole(ReplicationRole Kind, string? Word)
{
    public const string Variable = "KOBO_POSTGRES_DB_SERVER_ROLE";

    public static PostgresRole Standalone { get; } = new(ReplicationRole.Primary, null);

    public bool IsPrimary => Kind == ReplicationRole.Primary;

    public bool IsSecondary => Kind == ReplicationRole.Secondary;

    /// <summary>The role word as configured, or "primary" when unset (what the table and panel show).</summary>
    public string Shown => Word ?? "primary";

    /// <summary>How the console read it, for logs and pre-flight checks.</summary>
    public string Describe() => Word is null
        ? $"primary: {Variable} is not set (a standalone server)"
        : Kind switch
        {
            ReplicationRole.Primary => $"primary: {Variable}={Word}",
            ReplicationRole.Secondary => $"secondary: {Variable}={Word}",
            _ => $"unknown role: {Variable}={Word} is none of primary, master, secondary, slave",
        };

    public static PostgresRole Parse(string? word)
    {
        var trimmed = word?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return Standalone;
        }

        var kind = trimmed.ToLowerInvariant() switch
        {
            "primary" or "master" => ReplicationRole.Primary,
            "secondary" or "slave" => ReplicationRole.Secondary,
            _ => ReplicationRole.Unknown,
        };
        return new PostgresRole(kind, trimmed);
    }

    public static PostgresRole Of(IReadOnlyDictionary<string, string> env) => Parse(env.GetValueOrDefault(Variable));

    public static PostgresRole Of(IEnumerable<string> env) => Of(ContainerEnv.Of(env));
}
