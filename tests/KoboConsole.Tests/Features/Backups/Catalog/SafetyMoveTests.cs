using KoboConsole.Web.Features.Backups;

namespace KoboConsole.Tests.Features.Backups.Catalog;

/// <summary>Console backups in kobo's folders move with their manifests, hashes re-checked; nothing else moves.</summary>
public sealed class SafetyMoveTests : IDisposable
{
    private const string Pg = "postgres/postgres-kobocat-15-kobo.test-2026.12.01.03_00.pg_dump";
    private const string Mongo = "mongo/mongo-5.0-kobo.test-2026.12.01.03_00.gz";
    private const string KoboOwn = "postgres/postgres-koboform-15-kobo.test-2026.11.30.01_00.pg_dump";
    private readonly BackupFiles _kobo = new();
    private readonly string _to = Directory.CreateTempSubdirectory("kc-safe-").FullName;

    [Fact]
    public async Task MoveFolderAsync_ConsoleBackups_MovedWithManifestHashesEqual()
    {
        var items = _kobo.Write("run1", [Pg, Mongo]);
        File.WriteAllText(Path.Combine(_kobo.Root, KoboOwn), "kobo's own");

        var result = await SafetyMove.MoveFolderAsync(_kobo.Root, _to, CancellationToken.None);

        Assert.Equal([Pg, Mongo], result.Moved);
        Assert.Empty(result.Problems);
        Assert.Equal(1, result.Manifests);
        foreach (var item in items)
        {
            Assert.False(File.Exists(Path.Combine(_kobo.Root, item.Key)));
            Assert.Equal(item.Sha256, BackupFiles.Sha(Path.Combine(_to, item.Key)));
        }

        Assert.Empty(Directory.GetFiles(Path.Combine(_kobo.Root, BackupManifest.Folder)));
        Assert.Single(Directory.GetFiles(Path.Combine(_to, BackupManifest.Folder)));
        Assert.True(File.Exists(Path.Combine(_kobo.Root, KoboOwn)), "kobo's own backup must stay in kobo's folder");
        Assert.Empty(Directory.GetFiles(_to, "*" + BackupNames.PartialSuffix, SearchOption.AllDirectories));
    }

    [Fact]
    public async Task MoveFolderAsync_RunTwice_SecondMovesNothing()
    {
        _kobo.Write("run1", [Pg]);
        await SafetyMove.MoveFolderAsync(_kobo.Root, _to, CancellationToken.None);

        var second = await SafetyMove.MoveFolderAsync(_kobo.Root, _to, CancellationToken.None);

        Assert.Equal(SafetyMoveResult.Nothing.Summary, second.Summary);
        Assert.True(File.Exists(Path.Combine(_to, Pg)));
    }

    [Fact]
    public async Task MoveFolderAsync_HashMismatch_OriginalAndManifestStayAndReported()
    {
        _kobo.Write("run1", [Pg, Mongo], wrongSha: [Mongo]);

        var result = await SafetyMove.MoveFolderAsync(_kobo.Root, _to, CancellationToken.None);

        Assert.Empty(result.Moved);
        var problem = Assert.Single(result.Problems);
        Assert.Contains(Mongo, problem, StringComparison.Ordinal);
        Assert.Contains("left in kobo's folder", problem, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_kobo.Root, Pg)));
        Assert.True(File.Exists(Path.Combine(_kobo.Root, Mongo)));
        Assert.Single(Directory.GetFiles(Path.Combine(_kobo.Root, BackupManifest.Folder)));
        Assert.Empty(Directory.GetFiles(_to, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task MoveFolderAsync_FileAlreadyDeletedByKobo_ManifestMovedFileReportedGone()
    {
        _kobo.Write("run1", [Pg, Mongo], notWritten: [Mongo]);

        var result = await SafetyMove.MoveFolderAsync(_kobo.Root, _to, CancellationToken.None);

        Assert.Equal([Pg], result.Moved);
        Assert.Equal([Mongo], result.AlreadyGone);
        var entries = await BackupCatalog.ListTargetAsync(new DiskTarget(_to), CancellationToken.None, includeMissing: true);
        Assert.True(Assert.Single(entries, e => e.Name == Path.GetFileName(Mongo)).IsMissing);
    }

    [Fact]
    public void Scan_ManifestInKobosFolder_ListsItemsWithPresence()
    {
        _kobo.Write("run1", [Pg, Mongo], notWritten: [Mongo]);

        var items = SafetyMove.Scan(_kobo.Root);

        Assert.Equal([(Pg, true), (Mongo, false)], items.Select(i => (i.Key, i.Present)));
    }

    public void Dispose()
    {
        _kobo.Dispose();
        Directory.Delete(_to, recursive: true);
    }
}
