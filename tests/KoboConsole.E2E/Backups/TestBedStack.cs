using System.Diagnostics;

namespace KoboConsole.E2E.Backups;

/// <summary>A prefixed test-bed stack of its own (docker/testbed/stack.sh), taken down on dispose.</summary>
internal sealed class TestBedStack : IAsyncDisposable
{
    private TestBedStack(string id, string prefix, IReadOnlyDictionary<string, string> values)
    {
        Id = id;
        Prefix = prefix;
        Values = values;
    }

    public string Id { get; }

    public string Prefix { get; }

    public IReadOnlyDictionary<string, string> Values { get; }

    public static async Task<TestBedStack> UpAsync(string tag)
    {
        var id = $"tb-e2e-{Guid.NewGuid():N}"[..22];
        var prefix = tag + id[^6..];
        var (code, stdout, stderr) = await RunAsync("bash", Script("images.sh"), "all");
        Assert.True(code == 0, stderr);
        (code, stdout, stderr) = await RunAsync("bash", Script("stack.sh"), "up", "prefixed", id, "--prefix", prefix);
        Assert.True(code == 0, stderr);
        var values = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1].Trim(), StringComparer.Ordinal);
        return new TestBedStack(id, prefix, values);
    }

    public static Task<(int Code, string StdOut, string StdErr)> DockerAsync(params string[] args) => RunAsync("docker", args);

    public async ValueTask DisposeAsync() => await RunAsync("bash", Script("stack.sh"), "down", Id);

    private static string Script(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KoboConsole.sln")))
            {
                return Path.Combine(dir.FullName, "docker", "testbed", name);
            }
        }

        throw new InvalidOperationException("KoboConsole.sln not found");
    }

    private static async Task<(int Code, string StdOut, string StdErr)> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(9));
        await p.WaitForExitAsync(timeout.Token);
        return (p.ExitCode, await stdout, await stderr);
    }
}
