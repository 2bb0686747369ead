using System.Reflection;
using KoboConsole.IntegrationTests.Backups;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Restores.Stores;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Restores;

/// <summary>Docker refuses the new rdb file after Redis was stopped: Redis must not be left down.</summary>
public sealed class RedisPutArchiveFailureTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    [Fact]
    public async Task Restore_PutArchiveFails_RedisStartedAgainWithItsOwnDataAndTheStepSaysSo()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "rpf");
        await RestoreHarness.RedisAsync(h, "SET", "kc:before", "kept");
        var run = await h.BackupAsync(BackupStores.Redis);
        Assert.True(run.State == RunStates.Succeeded, string.Join('\n', run.Log));
        var item = (await h.ManifestAsync()).Items.Single(i => i.Store == BackupStores.Redis);
        await RestoreHarness.RedisAsync(h, "SET", "kc:after-backup", "still-here");

        var real = h.App.Services.GetRequiredService<IDockerHosts>().All[0];
        var redisId = h.Stack.Containers["redis_main"];
        var failing = FailingPutArchive.Wrap(real);
        var target = new BackupTargetReader(new DiskTarget(h.Directory));
        await using var rdb = await target.OpenAsync(item.Key);

        var ex = await Assert.ThrowsAsync<RestoreStepException>(() =>
            RedisRestore.RestoreAsync(new RestoreTarget(failing, redisId), rdb, TimeSpan.FromSeconds(30), CancellationToken.None));

        Assert.Contains("injected: the daemon refused the archive", ex.Message, StringComparison.Ordinal);
        Assert.Contains("was started again", ex.Message, StringComparison.Ordinal);
        Assert.True((await real.InspectContainerAsync(redisId, CancellationToken.None)).Running, "redis_main was left stopped");
        // Its own file, saved when it stopped, came back: the key written after the backup is there.
        string answer = "";
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(250))
        {
            var r = await BackupHarness.DockerAsync(["exec", "-e", $"REDISCLI_AUTH={h.Stack.Values["redis_password"]}", redisId, "redis-cli", "GET", "kc:after-backup"]);
            answer = r.StdOut.Trim();
            if (r.ExitCode == 0 && answer == "still-here")
            {
                break;
            }
        }

        Assert.Equal("still-here", answer);
    }

    /// <summary>The real engine, except that <c>PutArchiveAsync</c> fails as a daemon error would.</summary>
    public class FailingPutArchive : DispatchProxy
    {
        private IContainerEngine _inner = null!;

        public static IContainerEngine Wrap(IContainerEngine inner)
        {
            var proxy = Create<IContainerEngine, FailingPutArchive>();
            ((FailingPutArchive)(object)proxy)._inner = inner;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == nameof(IContainerEngine.PutArchiveAsync))
            {
                return Task.FromException(new DockerOperationException(_inner.Name, "extract an archive into a container", 500, "injected: the daemon refused the archive"));
            }

            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                throw ex.InnerException;
            }
        }
    }
}
