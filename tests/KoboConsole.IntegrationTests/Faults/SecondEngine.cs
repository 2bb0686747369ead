using KoboConsole.IntegrationTests.TestBed;

namespace KoboConsole.IntegrationTests.Faults;

/// <summary>A Docker daemon of the test's own (engine.sh second), never the shared one: stopped and started to play a daemon restart.</summary>
internal static class SecondEngine
{
    /// <summary>Starts (or starts again) engine <paramref name="name"/>; returns its endpoint (unix://...).</summary>
    public static async Task<string> StartAsync(string name, CancellationToken cancellationToken)
    {
        var result = await ScriptRunner.ScriptAsync("engine.sh", ["second", name], TimeSpan.FromMinutes(2), cancellationToken);
        Assert.True(result.ExitCode == 0, result.StdErr);
        var path = result.StdOut.Trim().Split('\n')[^1].Trim();
        return path.StartsWith("unix://", StringComparison.Ordinal) ? path : "unix://" + path;
    }

    public static async Task StopAsync(string name)
    {
        var result = await ScriptRunner.ScriptAsync("engine.sh", ["stop-second", name], TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.True(result.ExitCode == 0, result.StdErr);
    }
}
