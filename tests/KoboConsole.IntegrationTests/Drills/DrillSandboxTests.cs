using System.Text.Json;
using KoboConsole.IntegrationTests.Docker;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Web.Features.Drills;
using Microsoft.Extensions.Logging.Abstractions;

namespace KoboConsole.IntegrationTests.Drills;

/// <summary>The throwaway place a drill restores into, on the real engine: isolated while it lives, gone afterwards.</summary>
[Collection(DockerEngineGroup.Name)]
public sealed class DrillSandboxTests(DockerFixture fixture)
{
    // busybox with a declared VOLUME, like the official postgres, redis and mongo images.
    private const string VolumeImage = "kc-drill-test/volume:latest";

    [Fact]
    public async Task StartAsync_Busybox_InternalNetworkNoPortsNoMountsLabelled()
    {
        var runId = Guid.NewGuid().ToString("N")[..16];
        await using var sandbox = await DrillSandbox.CreateAsync(fixture.Engine, runId, "redis", NullLogger.Instance, CancellationToken.None);

        var started = await sandbox.StartAsync(DockerFixture.Image, ["sleep", "60"], null, ["A=1"], CancellationToken.None);

        var network = await InspectAsync("network", sandbox.Name);
        Assert.True(network.GetProperty("Internal").GetBoolean());
        Assert.Equal(runId, network.GetProperty("Labels").GetProperty(DrillLabels.Run).GetString());
        var container = await InspectAsync("container", started.Id);
        Assert.Equal(runId, container.GetProperty("Config").GetProperty("Labels").GetProperty(DrillLabels.Run).GetString());
        Assert.Equal("redis", container.GetProperty("Config").GetProperty("Labels").GetProperty(DrillLabels.Store).GetString());
        Assert.False(container.GetProperty("Config").GetProperty("Labels").TryGetProperty("com.docker.compose.project", out _));
        Assert.Empty(container.GetProperty("Mounts").EnumerateArray());
        Assert.Equal([sandbox.Name], container.GetProperty("NetworkSettings").GetProperty("Networks").EnumerateObject().Select(n => n.Name));
        Assert.True(container.GetProperty("HostConfig").GetProperty("PortBindings").EnumerateObject().All(p => p.Value.ValueKind == JsonValueKind.Null || p.Value.GetArrayLength() == 0));
    }

    [Fact]
    public async Task DisposeAsync_ImageWithVolume_RemovesContainerAnonymousVolumeAndNetwork()
    {
        var build = await ScriptRunner.RunAsync("sh", ["-c", $"printf 'FROM {DockerFixture.Image}\\nVOLUME /data\\n' | docker build -q -t {VolumeImage} -"],
            TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.True(build.ExitCode == 0, build.StdErr);
        var sandbox = await DrillSandbox.CreateAsync(fixture.Engine, Guid.NewGuid().ToString("N")[..16], "postgres", NullLogger.Instance, CancellationToken.None);
        var started = await sandbox.StartAsync(VolumeImage, ["sleep", "60"], null, [], CancellationToken.None);
        var volume = Assert.Single((await InspectAsync("container", started.Id)).GetProperty("Mounts").EnumerateArray()).GetProperty("Name").GetString()!;
        Assert.Equal(0, (await DockerAsync("volume", "inspect", volume)).ExitCode);

        await sandbox.DisposeAsync();

        Assert.NotEqual(0, (await DockerAsync("container", "inspect", started.Id)).ExitCode);
        Assert.NotEqual(0, (await DockerAsync("volume", "inspect", volume)).ExitCode);
        Assert.NotEqual(0, (await DockerAsync("network", "inspect", sandbox.Name)).ExitCode);
    }

    [Fact]
    public async Task DisposeAsync_ContainerNeverStarted_RemovesTheNetwork()
    {
        var sandbox = await DrillSandbox.CreateAsync(fixture.Engine, Guid.NewGuid().ToString("N")[..16], "mongo", NullLogger.Instance, CancellationToken.None);
        await Assert.ThrowsAnyAsync<Exception>(() => sandbox.StartAsync("kc-drill-test/does-not-exist:none", null, null, [], CancellationToken.None));

        await sandbox.DisposeAsync();

        Assert.NotEqual(0, (await DockerAsync("network", "inspect", sandbox.Name)).ExitCode);
    }

    internal static Task<ProcessResult> DockerAsync(params string[] args) => ScriptRunner.DockerAsync("unix:///var/run/docker.sock", args, CancellationToken.None);

    private static async Task<JsonElement> InspectAsync(string kind, string id)
    {
        var r = await DockerAsync(kind, "inspect", id);
        Assert.True(r.ExitCode == 0, r.StdErr);
        return JsonDocument.Parse(r.StdOut).RootElement[0].Clone();
    }
}
