using KoboConsole.Web.Features.Maintenance;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Tests.Features.Maintenance;

public sealed class MaintenancePortsTests
{
    [Fact]
    public void PublishedPorts_IPv4AndIPv6OfOnePublish_BecomeOneBindingOnAllAddresses()
    {
        var ports = MaintenanceSwitch.PublishedPorts([new("0.0.0.0", 80, 80, "tcp"), new("::", 80, 80, "tcp"), new(null, null, 443, "tcp")]);

        Assert.Equal([new PortBindingSpec(80, 80, "tcp", null)], ports);
    }

    [Fact]
    public void PublishedPorts_LoopbackBinding_KeepsItsAddress()
    {
        var ports = MaintenanceSwitch.PublishedPorts([new("127.0.0.1", 32768, 80, "tcp")]);

        Assert.Equal([new PortBindingSpec(80, 32768, "tcp", "127.0.0.1")], ports);
    }

    [Theory]
    [InlineData("unix:///var/run/docker.sock", "0.0.0.0", "http://127.0.0.1:8080/")]
    [InlineData("tcp://fe1.example.org:2376", "0.0.0.0", "http://fe1.example.org:8080/")]
    [InlineData("tcp://fe1.example.org:2376", "10.0.0.5", "http://10.0.0.5:8080/")]
    public void PublishedUri_HostAddress_IsWhereTheConsoleCanReachIt(string endpoint, string hostIp, string expected) =>
        Assert.Equal(new Uri(expected), MaintenanceProbe.PublishedUri(endpoint, [new PortMapping(hostIp, 8080, 80, "tcp")]));

    [Fact]
    public void PublishedUri_NothingPublished_IsNull() =>
        Assert.Null(MaintenanceProbe.PublishedUri("unix:///var/run/docker.sock", [new PortMapping(null, null, 80, "tcp")]));
}
