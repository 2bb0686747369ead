using System.Security.Cryptography;
using System.Text.Json;
using KoboConsole.Web.Features.Backups;

namespace KoboConsole.Tests.Features.Backups.Catalog;

/// <summary>Console backups in a temporary folder, laid out as the disk target writes them.</summary>
internal sealed class BackupFiles : IDisposable
{
    public static readonly DateTimeOffset At = new(2026, 12, 1, 3, 0, 0, TimeSpan.Zero);

    public string Root { get; } = Directory.CreateTempSubdirectory("kc-catalog-").FullName;

    /// <summary>Writes the files (random bytes) and a manifest listing them; <paramref name="wrongSha"/> keys get a wrong hash in it.</summary>
    public ManifestItem[] Write(string runId, string[] keys, string[]? wrongSha = null, string[]? notWritten = null)
    {
        var items = keys.Select(key =>
        {
            var bytes = RandomNumberGenerator.GetBytes(4096);
            if (notWritten?.Contains(key) != true)
            {
                Directory.CreateDirectory(Path.Combine(Root, Path.GetDirectoryName(key)!));
                File.WriteAllBytes(Path.Combine(Root, key), bytes);
            }

            var sha = wrongSha?.Contains(key) == true ? new string('0', 64) : Convert.ToHexStringLower(SHA256.HashData(bytes));
            return new ManifestItem(key.Split('/')[0], key, null, "15", bytes.Length, sha, "local", "c1", "img", At, At, null, null);
        }).ToArray();
        var manifest = new BackupManifest(runId, "1.0", "kobo.test", BackupTargets.Disk, At, At, items);
        Directory.CreateDirectory(Path.Combine(Root, BackupManifest.Folder));
        File.WriteAllBytes(Path.Combine(Root, BackupManifest.Folder, BackupManifest.FileName(At, runId)), JsonSerializer.SerializeToUtf8Bytes(manifest, BackupManifest.Json));
        return items;
    }

    public static string Sha(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
