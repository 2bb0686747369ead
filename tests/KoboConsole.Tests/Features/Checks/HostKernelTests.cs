using KoboConsole.Web.Features.Checks;

namespace KoboConsole.Tests.Features.Checks;

public sealed class HostKernelTests
{
    private static IReadOnlyDictionary<string, string> Read(string overcommit, string thp, string somaxconn) => HostKernel.Parse(
        $"{HostKernel.Overcommit}={overcommit}\n{HostKernel.HugePages}={thp}\n{HostKernel.Somaxconn}={somaxconn}\n");

    private static CheckResult Check(IReadOnlyList<CheckResult> results, string name) => Assert.Single(results, r => r.Target == $"{name}@main");

    [Fact]
    public void Evaluate_AsRedisWants_AllOk()
    {
        var results = HostKernel.Evaluate("main", "kobobe-redis_main-1", Read("1", "always madvise [never]", "4096"));

        Assert.Equal(3, results.Count);
        Assert.All(results, r => Assert.Equal((CheckKinds.HostKernel, CheckStates.Ok), (r.Check, r.State)));
    }

    [Fact]
    public void Evaluate_OvercommitZero_WarningWithTheSysctlCommand()
    {
        var r = Check(HostKernel.Evaluate("main", "redis", Read("0", "[madvise]", "4096")), "overcommit_memory");

        Assert.Equal(CheckStates.Warning, r.State);
        Assert.Contains("sudo sysctl -w vm.overcommit_memory=1", r.Message, StringComparison.Ordinal);
        Assert.Contains("/etc/sysctl.d/", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_HugePagesAlways_WarningWithTheCommand()
    {
        var r = Check(HostKernel.Evaluate("main", "redis", Read("1", "[always] madvise never", "4096")), "transparent_hugepage");

        Assert.Equal(CheckStates.Warning, r.State);
        Assert.Contains("echo madvise | sudo tee /sys/kernel/mm/transparent_hugepage/enabled", r.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("128", "warning")]
    [InlineData("510", "warning")]
    [InlineData("511", "ok")]
    public void Evaluate_SomaxconnAgainstTcpBacklog_State(string somaxconn, string expected)
    {
        var r = Check(HostKernel.Evaluate("main", "redis", Read("1", "[never]", somaxconn)), "somaxconn");

        Assert.Equal(expected, r.State);
        Assert.True(expected == CheckStates.Ok || r.Message.Contains("net.core.somaxconn=1024", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("1024", "600", "warning", "below Redis's running tcp-backlog 1024")]
    [InlineData("128", "200", "ok", "not below Redis's running tcp-backlog 128")]
    [InlineData("NOAUTH Authentication required.", "600", "ok", "Redis's default tcp-backlog 511 (the running value could not be read)")]
    public void Evaluate_RunningTcpBacklog_ComparedInsteadOfTheDefault(string backlog, string somaxconn, string expected, string says)
    {
        var values = HostKernel.Parse($"{HostKernel.Overcommit}=1\n{HostKernel.HugePages}=[never]\n{HostKernel.Somaxconn}={somaxconn}\n{HostKernel.TcpBacklog}={backlog}\n");

        var r = Check(HostKernel.Evaluate("main", "redis", values), "somaxconn");

        Assert.Equal(expected, r.State);
        Assert.Contains(says, r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_FilesUnreadable_UnknownNamingTheFile()
    {
        var results = HostKernel.Evaluate("main", "redis", HostKernel.Parse($"{HostKernel.Overcommit}=\n{HostKernel.HugePages}=\n{HostKernel.Somaxconn}=\n"));

        Assert.All(results, r => Assert.Equal(CheckStates.Unknown, r.State));
        Assert.Contains(HostKernel.HugePages, Check(results, "transparent_hugepage").Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("always [madvise] never", "madvise")]
    [InlineData("[always] madvise never", "always")]
    [InlineData("never", "never")]
    [InlineData("", null)]
    public void Selected_SysfsChoice_BracketedWord(string choices, string? expected) => Assert.Equal(expected, HostKernel.Selected(choices));
}
