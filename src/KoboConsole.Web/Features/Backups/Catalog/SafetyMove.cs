using System.Security.Cryptography;
using System.Text.Json;
using KoboConsole.Web.Features.Audit;

namespace KoboConsole.Web.Features.Backups;

/// <summary>A console-made file still in kobo's folders (<c>&lt;kobo-docker&gt;/backups/&lt;service&gt;</c>), listed by its manifest there.</summary>
public sealed record EndangeredBackup(string Manifest, string RunId, string Store, string Key, long SizeBytes, string Sha256, bool Present);

/// <summary>What <see cref="SafetyMove.ScanAsync"/> found: <see cref="From"/> is kobo's folder (null when it is not on this machine).</summary>
public sealed record SafetyScan(string? From, string To, IReadOnlyList<EndangeredBackup> Items)
{
    /// <summary>Console files still there (kobo's cron deletes them at its next run).</summary>
    public int Endangered => Items.Count(i => i.Present);
}

/// <summary>The outcome of a move: keys moved, keys kobo had already deleted, and why a file stayed.</summary>
public sealed record SafetyMoveResult(IReadOnlyList<string> Moved, IReadOnlyList<string> AlreadyGone, IReadOnlyList<string> Problems, int Manifests)
{
    public static readonly SafetyMoveResult Nothing = new([], [], [], 0);

    public string Summary => $"{Moved.Count} file(s) moved with {Manifests} manifest(s)"
        + (AlreadyGone.Count > 0 ? $"; {AlreadyGone.Count} file(s) had already been deleted by kobo's clean-up (now listed as missing)" : "")
        + (Problems.Count > 0 ? $"; {Problems.Count} left in place: {string.Join("; ", Problems)}" : "");
}

/// <summary>
/// "Move to safety": console backups that earlier versions left in kobo's own backup folders
/// (where kobo's cron deletes them) are moved with their manifests into the console's own folder,
/// only on an operator's request. Each file is copied, synced and hashed; only when every present
/// file of a manifest matches it are the copies made visible, the manifest written and the
/// originals removed. A file that does not match stays where it is, with its manifest, and is
/// reported. Running it again after a crash or a success is harmless.
/// </summary>
public sealed class SafetyMove(BackupTargetResolver targets, AuditLog audit) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<SafetyScan> ScanAsync(CancellationToken cancellationToken)
    {
        var from = await targets.KoboBackupsFolderAsync(cancellationToken);
        var to = await targets.DiskRootAsync(cancellationToken);
        return from is null || Path.GetFullPath(from) == Path.GetFullPath(to) ? new SafetyScan(from, to, []) : new SafetyScan(from, to, Scan(from));
    }

    /// <summary>Moves every console backup out of kobo's folder and audits it.</summary>
    /// <exception cref="BackupItemException">The console's own folder is not safe either (a kobo container binds it).</exception>
    public async Task<SafetyMoveResult> MoveAsync(string actor, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var scan = await ScanAsync(cancellationToken);
            if (scan.From is null || scan.Items.Count == 0)
            {
                await audit.WriteAsync(actor, "backup.move-to-safety", scan.From ?? "kobo's backups folder", "succeeded", "nothing to move", cancellationToken: cancellationToken);
                return SafetyMoveResult.Nothing;
            }

            if (await targets.DiskProblemAsync(cancellationToken) is { } problem)
            {
                await audit.WriteAsync(actor, "backup.move-to-safety", scan.From, "refused", problem, cancellationToken: cancellationToken);
                throw new BackupItemException($"refused: {problem}");
            }

            var result = await MoveFolderAsync(scan.From, scan.To, cancellationToken);
            await audit.WriteAsync(actor, "backup.move-to-safety", $"{scan.From} to {scan.To}", result.Problems.Count == 0 ? "succeeded" : "partial",
                result.Summary, cancellationToken: cancellationToken);
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>The items of every readable manifest in <c>&lt;from&gt;/manifests</c>.</summary>
    public static IReadOnlyList<EndangeredBackup> Scan(string from)
    {
        var items = new List<EndangeredBackup>();
        foreach (var (file, manifest) in Manifests(from))
        {
            items.AddRange(manifest.Items.Select(i => new EndangeredBackup(Path.GetFileName(file), manifest.RunId, i.Store, i.Key, i.SizeBytes, i.Sha256,
                File.Exists(Path.Combine(from, i.Key)))));
        }

        return items;
    }

    public static async Task<SafetyMoveResult> MoveFolderAsync(string from, string to, CancellationToken cancellationToken)
    {
        var moved = new List<string>();
        var gone = new List<string>();
        var problems = new List<string>();
        var manifests = 0;
        foreach (var (file, manifest) in Manifests(from))
        {
            var copies = new List<(string Source, string Partial, string Final, string Key)>();
            var bad = new List<string>();
            try
            {
                foreach (var item in manifest.Items)
                {
                    var source = Path.Combine(from, item.Key);
                    var final = Path.Combine(to, item.Key);
                    if (!File.Exists(source))
                    {
                        continue;
                    }

                    if (File.Exists(final))
                    {
                        // A move interrupted after the copy: the copy counts only if it is the same file.
                        if (await HashAsync(final, cancellationToken) is var (size, sha) && size == item.SizeBytes && string.Equals(sha, item.Sha256, StringComparison.OrdinalIgnoreCase))
                        {
                            copies.Add((source, final, final, item.Key));
                        }
                        else
                        {
                            bad.Add($"{item.Key}: a different file of that name is already in {to}");
                        }

                        continue;
                    }

                    Directory.CreateDirectory(Path.GetDirectoryName(final)!);
                    var partial = final + BackupNames.PartialSuffix;
                    File.Delete(partial); // left by a move that stopped half-way
                    await CopyAsync(source, partial, cancellationToken);
                    copies.Add((source, partial, final, item.Key));
                    var (copiedSize, copiedSha) = await HashAsync(partial, cancellationToken);
                    if (copiedSize != item.SizeBytes || !string.Equals(copiedSha, item.Sha256, StringComparison.OrdinalIgnoreCase))
                    {
                        bad.Add($"{item.Key}: {copiedSize} bytes hashing to {copiedSha[..12]}… but the manifest says {item.SizeBytes} bytes, {item.Sha256[..Math.Min(12, item.Sha256.Length)]}…; left in kobo's folder");
                    }
                }

                if (bad.Count > 0)
                {
                    problems.AddRange(bad);
                    continue;
                }

                foreach (var copy in copies.Where(c => c.Partial != c.Final))
                {
                    File.Move(copy.Partial, copy.Final, overwrite: false);
                }

                var manifestTarget = Path.Combine(to, BackupManifest.Folder, Path.GetFileName(file));
                if (!File.Exists(manifestTarget))
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(manifestTarget)!);
                    await CopyAsync(file, manifestTarget + BackupNames.PartialSuffix, cancellationToken);
                    File.Move(manifestTarget + BackupNames.PartialSuffix, manifestTarget);
                }

                foreach (var copy in copies)
                {
                    File.Delete(copy.Source);
                    moved.Add(copy.Key);
                }

                File.Delete(file);
                manifests++;
                gone.AddRange(manifest.Items.Select(i => i.Key).Where(k => copies.All(c => c.Key != k)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                problems.Add($"{Path.GetFileName(file)}: {ex.Message}; its files were left in kobo's folder");
            }
            finally
            {
                // Copies not made visible (a mismatch, a failure) never stay behind.
                foreach (var copy in copies.Where(c => c.Partial != c.Final && File.Exists(c.Partial)))
                {
                    File.Delete(copy.Partial);
                }
            }
        }

        return new SafetyMoveResult(moved, gone, problems, manifests);
    }

    private static IEnumerable<(string File, BackupManifest Manifest)> Manifests(string from)
    {
        var dir = Path.Combine(from, BackupManifest.Folder);
        if (!Directory.Exists(dir))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(dir, "*.json").Order(StringComparer.Ordinal))
        {
            BackupManifest? manifest;
            try
            {
                manifest = JsonSerializer.Deserialize<BackupManifest>(File.ReadAllBytes(file), BackupManifest.Json);
            }
            catch (JsonException)
            {
                continue; // Not a console manifest: left alone.
            }

            // Only the manifest's own files, and only below kobo's folder (a key is never a way out).
            if (manifest is { Target: BackupTargets.Disk, Items.Count: > 0 } && manifest.Items.All(i => IsPlainKey(i.Key)))
            {
                yield return (file, manifest);
            }
        }
    }

    private static bool IsPlainKey(string key) =>
        key.Split('/') is [var folder, var name] && BackupStores.All.Contains(folder) && name.Length > 0 && name != ".." && name != "." && !name.Contains('\\', StringComparison.Ordinal);

    private static async Task CopyAsync(string source, string destination, CancellationToken cancellationToken)
    {
        await using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous))
        await using (var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
        {
            await input.CopyToAsync(output, cancellationToken);
            await output.FlushAsync(cancellationToken);
            output.Flush(flushToDisk: true);
        }

        File.SetLastWriteTimeUtc(destination, File.GetLastWriteTimeUtc(source));
    }

    private static async Task<(long Size, string Sha256)> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
        return (stream.Length, sha);
    }
}
