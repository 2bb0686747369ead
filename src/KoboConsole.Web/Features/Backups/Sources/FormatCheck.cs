using System.Security.Cryptography;
using System.Text;

namespace KoboConsole.Web.Features.Backups;

/// <summary>Cheap checks that a stream is whole, from its first and last bytes (seen while streaming).</summary>
public static class FormatCheck
{
    private static readonly byte[] PgDump = "PGDMP"u8.ToArray();
    private static readonly byte[] MongoMagic = [0x6d, 0xe2, 0x99, 0x81];
    private static readonly byte[] MongoTerminator = [0xff, 0xff, 0xff, 0xff];
    private static readonly byte[] Gzip = [0x1f, 0x8b];

    /// <summary>Null when the stream looks complete, else what is wrong.</summary>
    public static string? Problem(string store, ReadOnlySpan<byte> head, ReadOnlySpan<byte> tail, long bytes)
    {
        if (bytes == 0)
        {
            return "the source produced no data at all.";
        }

        return store switch
        {
            BackupStores.Postgres when !head.StartsWith(PgDump) => "the output is not a pg_dump custom-format archive (no PGDMP header).",
            BackupStores.Mongo when !head.StartsWith(MongoMagic) => "the output is not a mongodump archive (wrong magic number).",
            BackupStores.Mongo when !tail.EndsWith(MongoTerminator) => "the mongodump archive has no terminator: the stream was cut short.",
            BackupStores.Redis or BackupStores.Media when !head.StartsWith(Gzip) => "the compressed stream has no gzip header.",
            _ => null,
        };
    }
}

/// <summary>Stable ids of backups: the same file always has the same id, in the API and the page.</summary>
public static class BackupIds
{
    public static string Of(string target, string key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{target}:{key}")))[..20];

    /// <summary>True for what <see cref="Of"/> makes: 20 lower-case hex digits.</summary>
    public static bool IsWellFormed(string? id) => id is { Length: 20 } && id.All(char.IsAsciiHexDigitLower);
}
