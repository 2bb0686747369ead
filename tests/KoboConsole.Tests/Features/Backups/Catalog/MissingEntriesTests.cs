using KoboConsole.Web.Features.Backups;

namespace KoboConsole.Tests.Features.Backups.Catalog;

/// <summary>A manifest's file that is gone is listed as missing, never as a usable backup.</summary>
public sealed class MissingEntriesTests
{
    private const string Kept = "postgres/postgres-kobocat-15-kobo.test-2026.12.01.03_00.pg_dump";
    private const string Deleted = "mongo/mongo-5.0-kobo.test-2026.12.01.03_00.gz";

    [Fact]
    public async Task ListTargetAsync_FileGoneIncludeMissing_ListedAsMissingWithManifestFacts()
    {
        using var files = new BackupFiles();
        var items = files.Write("run1", [Kept, Deleted]);
        File.Delete(Path.Combine(files.Root, Deleted));

        var entries = await BackupCatalog.ListTargetAsync(new DiskTarget(files.Root), CancellationToken.None, includeMissing: true);

        Assert.Equal(BackupEntry.Ok, Assert.Single(entries, e => e.Name == Path.GetFileName(Kept)).Status);
        var missing = Assert.Single(entries, e => e.Name == Path.GetFileName(Deleted));
        Assert.True(missing.IsMissing);
        Assert.Equal(items[1].Sha256, missing.Sha256);
        Assert.Equal("run1", missing.RunId);
        Assert.Equal(BackupIds.Of(BackupTargets.Disk, Deleted), missing.Id);
    }

    [Fact]
    public async Task ListTargetAsync_FileGoneByDefault_NotListed()
    {
        using var files = new BackupFiles();
        files.Write("run1", [Kept, Deleted]);
        File.Delete(Path.Combine(files.Root, Deleted));

        var entries = await BackupCatalog.ListTargetAsync(new DiskTarget(files.Root), CancellationToken.None);

        Assert.Equal([Path.GetFileName(Kept)], entries.Select(e => e.Name));
    }

    [Fact]
    public async Task MissingAsync_GoneId_SaysWhyItCannotBeRestored()
    {
        using var files = new BackupFiles();
        files.Write("run1", [Kept, Deleted]);
        File.Delete(Path.Combine(files.Root, Deleted));
        var id = BackupIds.Of(BackupTargets.Disk, Deleted);

        var why = await BackupCatalog.MissingAsync(new DiskTarget(files.Root), [id, BackupIds.Of(BackupTargets.Disk, Kept)], CancellationToken.None);

        var reason = Assert.Single(why).Value;
        Assert.Contains(Path.GetFileName(Deleted), reason, StringComparison.Ordinal);
        Assert.Contains("is missing", reason, StringComparison.Ordinal);
        Assert.Contains("choose another backup", reason, StringComparison.Ordinal);
    }
}
