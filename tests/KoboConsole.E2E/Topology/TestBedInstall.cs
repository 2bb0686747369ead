using System.Diagnostics;

namespace KoboConsole.E2E.Topology;

/// <summary>A prefixed test-bed stack for one browser test (docker/testbed/stack.sh), taken down on dispose.</summary>
public sealed class TestBedInstall : IAsyncDisposable
{
    private TestBedInstall(string id, string prefix, IReadOnlyDictionary<string, string> values)
    {
        Id = id;
        Prefix = prefix;
        Values = values;
    }

    public string Id { get; }

    public string Prefix { get; }

    public IReadOnlyDictionary<string, string> Values { get; }

    public static async Task<TestBedInstall> UpPrefixedAsync()
    {
        var id = $"tb-e2etopo-{Guid.NewGuid():N}"[..22];
        var prefix = "w" + id[^6..];
        await RunAsync("images.sh", "all");
        try
        {
            var output = await RunAsync("stack.sh", "up", "prefixed", id, "--prefix", prefix);
            var values = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1].Trim(), StringComparer.Ordinal);
            return new TestBedInstall(id, prefix, values);
        }
        catch
        {
            await RunAsync("stack.sh", "down", id);
            throw;
        }
    }

    public async ValueTask DisposeAsync() => await RunAsync("stack.sh", "down", Id);

    private static async Task<string> RunAsync(string script, params string[] args)
    {
        var dir = AppContext.BaseDirectory;
        while (!Directory.Exists(Path.Combine(dir, "docker", "testbed")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("docker/testbed not found above the test binaries");
        }

        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        start.ArgumentList.Add(Path.Combine(dir, "docker", "testbed", script));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        return p.ExitCode == 0 ? await stdout : throw new InvalidOperationException($"{script} {string.Join(' ', args)} failed: {await stderr}");
    }
}
