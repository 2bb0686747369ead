using KoboConsole.Web.Infrastructure.Http;

namespace KoboConsole.Tests.Infrastructure.Http;

public sealed class ProxyOptionsValidatorTests
{
    [Fact]
    public void Validate_AddressesAndNetworks_Succeeds()
    {
        var result = new ProxyOptionsValidator().Validate(null, new ProxyOptions { KnownProxies = ["172.18.0.5", "fd00::5"], KnownNetworks = ["172.18.0.0/16"] });

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Validate_BadValues_NamesEachKey()
    {
        var result = new ProxyOptionsValidator().Validate(null, new ProxyOptions { KnownProxies = ["proxy.local"], KnownNetworks = ["10.0.0.0/33", "10.0.0.0/8"] });

        Assert.False(result.Succeeded);
        Assert.Equal(2, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.StartsWith("KoboConsole:Http:KnownProxies:0:", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("KoboConsole:Http:KnownNetworks:0:", StringComparison.Ordinal));
    }
}
