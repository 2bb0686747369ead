using System.Diagnostics;

namespace KoboConsole.IntegrationTests.TestBed;

/// <summary>What a finished process left behind.</summary>
public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr);

/// <summary>Runs the test bed's bash scripts and the docker CLI, as a person would from a shell.</summary>
public static class ScriptRunner
{
    private static readonly Lazy<string> LazyRepoRoot = new(FindRepoRoot);

    public static string RepoRoot => LazyRepoRoot.Value;

    public static string TestBedDir => Path.Combine(RepoRoot, "docker", "testbed");

    public static Task<ProcessResult> ScriptAsync(string script, IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken) =>
        RunAsync("bash", [Path.Combine(TestBedDir, script), .. args], timeout, cancellationToken);

    /// <summary>
    /// The docker CLI, with a deadline only against a hung daemon: some calls do real work (a
    /// 1.5-million-row table, a dump) and take minutes when several test classes run at once.
    /// </summary>
    public static Task<ProcessResult> DockerAsync(string dockerHost, IEnumerable<string> args, CancellationToken cancellationToken) =>
        RunAsync("docker", ["-H", dockerHost, .. args], TimeSpan.FromMinutes(5), cancellationToken);

    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoRoot,
        };
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"could not start {fileName}");
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var stdOut = process.StandardOutput.ReadToEndAsync(timeoutSource.Token);
        var stdErr = process.StandardError.ReadToEndAsync(timeoutSource.Token);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token);
            return new ProcessResult(process.ExitCode, await stdOut, await stdErr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', startInfo.ArgumentList)} did not finish within {timeout}");
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KoboConsole.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"KoboConsole.sln not found above {AppContext.BaseDirectory}");
    }
}
