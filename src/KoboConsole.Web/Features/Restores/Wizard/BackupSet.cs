using KoboConsole.Web.Features.Backups;

namespace KoboConsole.Web.Features.Restores.Wizard;

/// <summary>
/// The backups of one run: a console run (its manifest's run id), or kobo-made files of the same
/// minute on the same target (kobo's own scripts name their files to the minute).
/// </summary>
public sealed record BackupSet(string Key, string Title, DateTimeOffset CreatedAt, bool Verified, IReadOnlyList<BackupEntry> Entries)
{
    public static IReadOnlyList<BackupSet> Group(IEnumerable<BackupEntry> entries) =>
        entries.GroupBy(KeyOf, StringComparer.Ordinal)
            .Select(g =>
            {
                var first = g.OrderByDescending(e => e.CreatedAt).First();
                var verified = g.All(e => e.Sha256 is not null);
                var title = first.RunId is { } run ? $"console backup run {run}" : $"made by kobo {first.CreatedAt:yyyy-MM-dd HH:mm}";
                return new BackupSet(g.Key, $"{title} ({first.Target})", first.CreatedAt, verified,
                    g.OrderBy(e => e.Store, StringComparer.Ordinal).ThenBy(e => e.Name, StringComparer.Ordinal).ToList());
            })
            .OrderByDescending(s => s.CreatedAt)
            .ToList();

    private static string KeyOf(BackupEntry e) => e.RunId is { } run
        ? $"{e.Target}:{run}"
        : $"{e.Target}:kobo:{e.CreatedAt.UtcDateTime:yyyyMMddHHmm}";
}
