using KoboConsole.Web.Features.Topology.Stats;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.IntegrationTests.Docker;

public sealed class ContainerStatsTests(DockerFixture fixture) : DockerTestBase(fixture)
{
    [Fact]
    public async Task ReadStatsAsync_BusyContainer_ShowsCpuAndMemory()
    {
        var busy = await RunAsync(["sh", "-c", "trap 'exit 0' TERM; while :; do :; done"]);

        var first = await Engine.ReadStatsAsync(busy, Timeout);
        await Task.Delay(TimeSpan.FromSeconds(2), Timeout);
        var second = await Engine.ReadStatsAsync(busy, Timeout);

        Assert.Equal(0UL, first.PreSystemCpuNs); // one-shot: Docker did not wait for a second read
        Assert.True(StatsMath.CpuPercent(first, second) > 0, $"CPU {StatsMath.CpuPercent(first, second)} %");
        Assert.True(StatsMath.MemoryWithoutCache(second) > 0);
        Assert.True(second.MemoryLimitBytes >= second.MemoryUsageBytes);
        Assert.True(second.OnlineCpus >= 1);
    }

    [Fact]
    public async Task ReadStatsAsync_IdleContainer_UsesLittleCpu()
    {
        var idle = await RunIdleAsync();

        var first = await Engine.ReadStatsAsync(idle, Timeout);
        await Task.Delay(TimeSpan.FromSeconds(2), Timeout);
        var second = await Engine.ReadStatsAsync(idle, Timeout);

        Assert.True(StatsMath.CpuPercent(first, second) < 5, $"CPU {StatsMath.CpuPercent(first, second)} %");
    }

    [Fact]
    public async Task ReadStatsAsync_NoSuchContainer_ThrowsNotFound()
        => await Assert.ThrowsAsync<ContainerNotFoundException>(() => Engine.ReadStatsAsync("kc-da-no-such-container", Timeout));
}
