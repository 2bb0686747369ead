using Hangfire;
using KoboConsole.Web.Features.Jobs;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Jobs;

/// <summary>
/// Hangfire's AspNetCore package hands each host whatever <c>JobStorage.Current</c> and
/// <c>JobActivator.Current</c> hold when it first asks, and every host that configures Hangfire
/// overwrites those statics. When two hosts of one process start at the same time (the test
/// suites do), one host's jobs went to the other's database, or ran with the other's services,
/// where their run did not exist: the run stayed queued for ever. Each host now keeps its own.
/// </summary>
public sealed class HangfirePerHostTests
{
    [Fact]
    public async Task AddJobs_AnotherHostConfiguredHangfireInBetween_JobsUseTheirOwnHostsStorageAndServices()
    {
        var dirA = Directory.CreateTempSubdirectory("koboconsole-hangfire-").FullName;
        var dirB = Directory.CreateTempSubdirectory("koboconsole-hangfire-").FullName;
        try
        {
            await using var a = Build(dirA);
            await using var b = Build(dirB);
            AssertEachHostKeepsItsOwn(a, b);
        }
        finally
        {
            Directory.Delete(dirA, recursive: true);
            Directory.Delete(dirB, recursive: true);
        }
    }

    private static void AssertEachHostKeepsItsOwn(WebApplication a, WebApplication b)
    {
        // The order of two hosts starting side by side: A's Hangfire set-up runs, then B's, then A's
        // server and job client pick up their storage and activator.
        a.Services.GetRequiredService<IGlobalConfiguration>();
        b.Services.GetRequiredService<IGlobalConfiguration>();
        var storageA = a.Services.GetRequiredService<JobStorage>();
        var activatorA = a.Services.GetRequiredService<JobActivator>();
        var storageB = b.Services.GetRequiredService<JobStorage>();
        Assert.NotSame(storageB, storageA);

        var jobId = a.Services.GetRequiredService<IBackgroundJobClient>().Enqueue(() => Probe.Run());

        using (var connection = storageA.GetConnection())
        {
            Assert.NotNull(connection.GetJobData(jobId));
        }

        using (var connection = storageB.GetConnection())
        {
            Assert.Null(connection.GetJobData(jobId));
        }

        using var scope = activatorA.BeginScope((JobActivatorContext)null!);
        Assert.Same(a.Services.GetRequiredService<ConsoleDb>(), scope.Resolve(typeof(ConsoleDb)));
        Assert.NotSame(b.Services.GetRequiredService<ConsoleDb>(), scope.Resolve(typeof(ConsoleDb)));
    }

    private static WebApplication Build(string dataDirectory)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["KoboConsole:Storage:DataDirectory"] = dataDirectory;
        builder.AddStorage();
        builder.AddJobs();
        return builder.Build();
    }

    public sealed class Probe
    {
        public static void Run()
        {
        }
    }
}
