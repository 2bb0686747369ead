namespace KoboConsole.Web.Features.Backups;

/// <summary>
/// The per-store lease a backup item holds while it runs. A restore holds the same leases for its
/// stores, so a backup of a store being restored is refused (and a restore waits for none).
/// </summary>
public static class BackupLeases
{
    public static string Of(string store) => $"backup:{store}";

    /// <summary>Holders whose name starts with this are restores (a backup item refuses instead of waiting).</summary>
    public const string RestorePrefix = "restore run ";
}
