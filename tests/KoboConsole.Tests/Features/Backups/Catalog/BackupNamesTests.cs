using KoboConsole.Web.Features.Backups;

namespace KoboConsole.Tests.Features.Backups;

public sealed class BackupNamesTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    [Fact]
    public void Postgres_KoboPattern_NameParsesBack()
    {
        var name = BackupNames.Postgres("koboform", "15", "kobo.example.org", At);

        Assert.Equal("postgres-koboform-15-kobo.example.org-2026.03.04.05_06.pg_dump", name);
        var parsed = BackupNames.Parse(name)!;
        Assert.Equal((BackupStores.Postgres, "koboform", "15", "kobo.example.org"), (parsed.Store, parsed.Database, parsed.Version, parsed.Domain));
        Assert.Equal(new DateTimeOffset(2026, 3, 4, 5, 6, 0, TimeSpan.Zero), parsed.CreatedAt);
    }

    [Theory]
    [InlineData("mongo-5.0-my-kobo.org-2026.03.04.05_06.gz", "mongo", "my-kobo.org")]
    [InlineData("redis-7.0.15-kobo.test-2026.03.04.05_06.gz", "redis", "kobo.test")]
    [InlineData("media-kpi_media-kobo.test-2026.03.04.05_06.tar.gz", "media", "kobo.test")]
    [InlineData("postgres-kobocat-14-kobo.test-20260304_050607.pg_dump", "postgres", "kobo.test")]
    public void Parse_KoboNames_StoreAndDomain(string name, string store, string domain)
    {
        var parsed = BackupNames.Parse(name)!;

        Assert.Equal((store, domain), (parsed.Store, parsed.Domain));
    }

    [Theory]
    [InlineData("notes.txt")]
    [InlineData("postgres-koboform-15-kobo.test-2026.03.04.05_06.pg_dump.partial")]
    [InlineData("redis-7.0.15-kobo.test-2026.13.04.05_06.gz")]
    [InlineData("mongo-5.0-kobo.test-2026.03.04.05_06.tar.gz")]
    public void Parse_NotABackupName_Null(string name) => Assert.Null(BackupNames.Parse(name));

    [Fact]
    public void TierOf_KoboRules_YearlyMonthlyWeeklyDaily()
    {
        Assert.Equal("yearly", S3Target.TierOf(new DateTimeOffset(2026, 1, 1, 3, 0, 0, TimeSpan.Zero)));
        Assert.Equal("monthly", S3Target.TierOf(new DateTimeOffset(2026, 2, 1, 3, 0, 0, TimeSpan.Zero)));
        Assert.Equal("weekly", S3Target.TierOf(new DateTimeOffset(2026, 11, 22, 3, 0, 0, TimeSpan.Zero)));
        Assert.Equal("daily", S3Target.TierOf(new DateTimeOffset(2026, 11, 25, 3, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void FormatCheck_MongoArchiveWithoutTerminator_SaysCutShort()
    {
        byte[] head = [0x6d, 0xe2, 0x99, 0x81, 1, 2, 3, 4];
        byte[] tail = [1, 2, 3, 4, 5, 6, 7, 8];

        Assert.Contains("cut short", FormatCheck.Problem(BackupStores.Mongo, head, tail, 100), StringComparison.Ordinal);
        Assert.Null(FormatCheck.Problem(BackupStores.Mongo, head, [1, 2, 3, 4, 0xff, 0xff, 0xff, 0xff], 100));
        Assert.Contains("no data", FormatCheck.Problem(BackupStores.Postgres, [], [], 0), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HashingStream_WritesInPieces_CountsHashesAndKeepsEdges()
    {
        var data = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 31)).ToArray();
        using var sink = new MemoryStream();
        await using var hashing = new HashingStream(sink);

        for (var i = 0; i < data.Length; i += 7777)
        {
            await hashing.WriteAsync(data.AsMemory(i, Math.Min(7777, data.Length - i)));
        }

        Assert.Equal(data.Length, hashing.BytesWritten);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data)), hashing.Sha256);
        Assert.Equal(data[..8], hashing.Head.ToArray());
        Assert.Equal(data[^8..], hashing.Tail.ToArray());
        Assert.Equal(data, sink.ToArray());
    }
}
