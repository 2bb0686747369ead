namespace KoboConsole.Tests.Infrastructure;

/// <summary>The thread-pool options of Directory.Build.props reach the process (this test host, like the console).</summary>
public sealed class ThreadPoolSettingsTests
{
    [Fact]
    public void MinThreads_FromTheBuild_IsAtLeast32Workers()
    {
        ThreadPool.GetMinThreads(out var workers, out _);

        Assert.True(workers >= 32, $"the thread pool starts with {workers} workers; Directory.Build.props sets 32");
    }

    [Fact]
    public void UnfairSemaphoreSpinLimit_FromTheBuild_IsZero()
    {
        Assert.Equal("0", AppContext.GetData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit")?.ToString());
    }
}
