using KoboConsole.Web.Features.Topology.Health;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Tests.Features.Topology;

public sealed class ProbeAddressesTests
{
    [Theory]
    [InlineData("unix:///var/run/docker.sock", "127.0.0.1")]
    [InlineData("tcp://10.0.0.7:2376", "10.0.0.7")]
    [InlineData("https://backend.example:2376", "backend.example")]
    public void EngineHost_Endpoint_GivesTheMachine(string endpoint, string host) =>
        Assert.Equal(host, ProbeAddresses.EngineHost(endpoint));

    [Fact]
    public void For_PublishedAndNetworked_PublishedPortFirstThenEachNetworkAddress()
    {
        var details = new ContainerDetails("id", "kobobe-postgres-1", "img", "sha", "running", true, 0, new HealthInfo("none", 0, null, null, null), 0,
            DateTimeOffset.UnixEpoch, null, null, false, [], [], new Dictionary<string, string>(), [],
            [new NetworkAttachment("kobobe_kobo-be-network", "n", ["postgres.kobo.private"], "172.21.0.4")],
            [new PortMapping("0.0.0.0", 15432, 5432, "tcp"), new PortMapping(null, null, 5432, "tcp")], []);

        var addresses = ProbeAddresses.For(details, 5432, "tcp://10.0.0.7:2376");

        Assert.Equal(
            [("10.0.0.7", 15432, "published port 10.0.0.7:15432"), ("172.21.0.4", 5432, "container address 172.21.0.4:5432 on kobobe_kobo-be-network")],
            addresses.Select(a => (a.Address, a.Port, a.Via)));
    }
}
