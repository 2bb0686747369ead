using System.Text;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Features.Topology;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Maintenance.KoboInstall;

/// <summary>kobo-install's .run.conf as the console found it: where, what it says, and whether the console may write it.</summary>
public sealed record KoboInstallView(string? Path, KoboInstallSettings? Settings, bool Writable, string? Problem)
{
    public static readonly KoboInstallView None = new(null, null, false, null);
}

/// <summary>
/// Finds kobo-install's .run.conf (configured with <c>KoboConsole:Stack:KoboInstallDir</c>, or beside
/// or above the kobo-docker folder Compose records as the containers' working_dir) and keeps its
/// <c>maintenance_enabled</c> in step with the console's toggle: kobo-install's <c>start</c> honours
/// that flag, so a flag left behind would be undone (or fought) at its next start. The working
/// dirs are listed once per set of containers the live topology holds (a container's labels never
/// change), so a toggle reads the file without listing the stack; the file itself is looked for
/// every time.
/// </summary>
public sealed class KoboInstallConfig(StackDiscovery discovery, TopologyLive live, IOptionsMonitor<StackOptions> options, ILogger<KoboInstallConfig> logger)
{
    private const string WorkingDirLabel = "com.docker.compose.project.working_dir";

    /// <summary>The working dirs Compose recorded, and the live topology's containers they were listed for.</summary>
    private DirsFor? _workingDirs;

    /// <summary>Why the last toggle could not keep the flag in step; null when it did (or there was no file).</summary>
    public string? LastSyncProblem { get; private set; }

    public async Task<KoboInstallView> ReadAsync(CancellationToken cancellationToken)
    {
        var (path, problem) = await LocateAsync(cancellationToken);
        if (path is null)
        {
            return problem is null ? KoboInstallView.None : new KoboInstallView(null, null, false, problem);
        }

        try
        {
            var settings = RunConf.Read(await File.ReadAllTextAsync(path, cancellationToken));
            var writable = IsWritable(path);
            return new KoboInstallView(path, settings, writable,
                writable ? null : $"kobo-install's {path} is read-only: the console cannot keep its maintenance_enabled flag in step, so kobo-install's next start may undo a maintenance toggle.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return new KoboInstallView(path, null, false, $"kobo-install's {path} could not be read: {ex.Message}");
        }
    }

    /// <summary>Sets <c>maintenance_enabled</c>; returns why it could not (the toggle itself stands either way).</summary>
    public async Task<string?> KeepMaintenanceInStepAsync(bool enabled, CancellationToken cancellationToken)
    {
        var view = await ReadAsync(cancellationToken);
        LastSyncProblem = view.Path is null ? view.Problem : view.Settings is null || !view.Writable ? view.Problem : await WriteAsync(view.Path, enabled, cancellationToken);
        if (LastSyncProblem is { } problem)
        {
            Log.RunConfNotInStep(logger, enabled, problem);
        }

        return LastSyncProblem;
    }

    private async Task<string?> WriteAsync(string path, bool enabled, CancellationToken cancellationToken)
    {
        var dir = System.IO.Path.GetDirectoryName(path)!;
        var temp = System.IO.Path.Combine(dir, $"{RunConf.FileName}.koboconsole-{Guid.NewGuid():N}");
        try
        {
            var text = await File.ReadAllTextAsync(path, cancellationToken);
            var updated = RunConf.WithMaintenance(text, enabled);
            if (updated == text)
            {
                return null;
            }

            // Temp file + rename: kobo-install never reads half a file. Same mode and owner as before.
            await File.WriteAllTextAsync(temp, updated, new UTF8Encoding(false), cancellationToken);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, File.GetUnixFileMode(path));
            }

            if (!FileOwner.Copy(path, temp))
            {
                File.Delete(temp);
                return $"kobo-install's {path} belongs to another user the console cannot give the new file to: maintenance_enabled was not changed.";
            }

            File.Move(temp, path, overwrite: true);
            Log.RunConfUpdated(logger, path, enabled);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            File.Delete(temp);
            return $"kobo-install's {path} could not be written ({ex.Message}): maintenance_enabled still says the old state.";
        }
    }

    /// <summary>kobo-install writes its file with the owner's write bit; a file without it is read-only on purpose, even for root.</summary>
    private static bool IsWritable(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return !new FileInfo(path).IsReadOnly;
        }

        if (!File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserWrite))
        {
            return false;
        }

        try
        {
            using (File.OpenHandle(path, FileMode.Open, FileAccess.Write))
            {
            }

            var probe = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, $"{RunConf.FileName}.koboconsole-probe-{Guid.NewGuid():N}");
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private async Task<(string? Path, string? Problem)> LocateAsync(CancellationToken cancellationToken)
    {
        if (options.CurrentValue.KoboInstallDir is { Length: > 0 } configured)
        {
            var file = System.IO.Path.Combine(configured, RunConf.FileName);
            return File.Exists(file) ? (file, null) : (null, $"KoboConsole:Stack:KoboInstallDir is {configured}, which has no {RunConf.FileName}.");
        }

        foreach (var dir in await WorkingDirsAsync(cancellationToken))
        {
            foreach (var candidate in new[] { System.IO.Path.Combine(dir, "..", "kobo-install", RunConf.FileName), System.IO.Path.Combine(dir, "..", RunConf.FileName) })
            {
                var full = System.IO.Path.GetFullPath(candidate);
                if (File.Exists(full) && Belongs(full, dir))
                {
                    return (full, null);
                }
            }
        }

        return (null, null);
    }

    /// <summary>Compose's working dirs of the stack: listed again only when the live topology's containers changed (or it has none).</summary>
    private async Task<IReadOnlyList<string>> WorkingDirsAsync(CancellationToken cancellationToken)
    {
        var containers = live.Loaded && live.LastError is null
            ? string.Join(',', live.Current.Containers.Select(c => c.Id).Order(StringComparer.Ordinal))
            : null;
        if (containers is not null && Volatile.Read(ref _workingDirs) is { } known && known.Containers == containers)
        {
            return known.Dirs;
        }

        var dirs = (await discovery.DiscoverAsync(false, cancellationToken)).Containers
            .Select(c => c.Labels.GetValueOrDefault(WorkingDirLabel)).OfType<string>().Where(d => d.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (containers is not null)
        {
            Volatile.Write(ref _workingDirs, new DirsFor(containers, dirs));
        }

        return dirs;
    }

    /// <summary>A .run.conf naming another kobo-docker folder is another install's.
    private static bool Belongs(string file, string workingDir)
    {
        try
        {
            var path = RunConf.Read(File.ReadAllText(file)).KoboDockerPath;
            return path is null || Same(path, workingDir);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return true; // found where kobo-install keeps it; ReadAsync says why it cannot be read
        }
    }

    private static bool Same(string a, string b) =>
        string.Equals(System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(a)), System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(b)), StringComparison.Ordinal);

    private sealed record DirsFor(string Containers, IReadOnlyList<string> Dirs);
}
