using KoboConsole.Web.Infrastructure.Http;

namespace KoboConsole.Tests.Infrastructure.Http;

public sealed class HealthCheckCommandTests
{
    [Theory]
    [InlineData(null, "http://127.0.0.1:8080/healthz")]
    [InlineData("", "http://127.0.0.1:8080/healthz")]
    [InlineData("5080", "http://127.0.0.1:5080/healthz")]
    [InlineData("9000;9001", "http://127.0.0.1:9000/healthz")]
    [InlineData(" 7000 , 7001", "http://127.0.0.1:7000/healthz")]
    public void DefaultUrl_HttpPorts_FirstPortOnLoopback(string? ports, string expected) =>
        Assert.Equal(expected, HealthCheckCommand.DefaultUrl(ports));

    [Theory]
    [InlineData(true, "--healthcheck")]
    [InlineData(true, "--healthcheck", "http://127.0.0.1:5080/healthz")]
    [InlineData(false, "--urls", "--healthcheck")]
    [InlineData(false)]
    public void IsRequested_OnlyAsFirstArgument(bool expected, params string[] args) =>
        Assert.Equal(expected, HealthCheckCommand.IsRequested(args));

    [Fact]
    public async Task RunAsync_NothingListening_ExitsOne() =>
        Assert.Equal(1, await HealthCheckCommand.RunAsync(["--healthcheck", "http://127.0.0.1:9/healthz"]));
}
