using System.Diagnostics;

namespace KoboConsole.IntegrationTests.Docker;

public sealed class EngineInfoTests(DockerFixture fixture) : DockerTestBase(fixture)
{
    [Fact]
    public async Task GetInfoAsync_LocalEngine_ReportsTheDaemonsOwnApiVersion()
    {
        var info = await Engine.GetInfoAsync(Timeout);

        // Nothing is pinned: a client asking for a newer API than the daemon's (Debian's 20.10
        // speaks 1.41) would get "client version is too new" on every versioned call.
        Assert.Equal(await ServerApiVersionAsync(), info.ApiVersion);
        Assert.Equal("linux", info.Os);
        Assert.False(string.IsNullOrEmpty(info.Version));
        Assert.True(Version.Parse(info.MinApiVersion) <= Version.Parse(info.ApiVersion));
    }

    [Fact]
    public async Task ListContainersAsync_AgainstDaemonApi_Works()
    {
        var id = await RunIdleAsync();

        var list = await Engine.ListContainersAsync(new() { All = false, Labels = [new(DockerFixture.TestLabel, DockerFixture.TestLabelValue)] }, Timeout);

        Assert.Contains(list, c => c.Id == id && c.State == "running");
    }

    private static async Task<string> ServerApiVersionAsync()
    {
        var info = new ProcessStartInfo("docker") { RedirectStandardOutput = true };
        info.ArgumentList.Add("version");
        info.ArgumentList.Add("--format");
        info.ArgumentList.Add("{{.Server.APIVersion}}");
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output.Trim();
    }
}
