using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Restores;
using KoboConsole.Web.Features.Stack;

namespace KoboConsole.Tests.Features.Restores;

public sealed class RestoreContainersTests
{
    [Fact]
    public async Task CheckAsync_OneRunningRedis_SaysItRunsOnItsDockerHostInPlainWords()
    {
        // Redis needs neither discovery, the PostgreSQL primary nor an engine: the snapshot answers.
        var containers = new RestoreContainers(null!, null!, null!);
        var redis = new KoboContainer("local", "r1", "kobobe-redis_main-1", "kobobe", "redis_main", KoboRole.Backend, "running", "Up", "redis:7",
            DateTimeOffset.UnixEpoch, false, [], [], new Dictionary<string, string>());
        var snapshot = new StackSnapshot([], [redis], DateTimeOffset.UnixEpoch);
        var entry = new BackupEntry("disk:redis-1", BackupStores.Redis, "disk", "redis-1.rdb.gz", 10, DateTimeOffset.UnixEpoch, null, "console", "run1");

        var check = await containers.CheckAsync(snapshot, new RestoreItem(entry, "redis/redis-1", null, null, null), CancellationToken.None);

        Assert.True(check.Ok);
        Assert.Equal("kobobe-redis_main-1 is running on Docker host local.", check.Detail);
    }
}
