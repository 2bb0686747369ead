using KoboConsole.Web.Features.Maintenance;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Tests.Features.Maintenance;

public sealed class EdgeRoutesTests
{
    private const string Local = "unix:///var/run/docker.sock";
    private const string FrontNet = "kobofe_kobo-fe-network";

    [Fact]
    public void For_NginxPublishesAPort_ChecksThePublishedPortAsBefore()
    {
        var nginx = Container("kobofe-nginx-1", [new PortMapping("127.0.0.1", 8080, 80, "tcp")], (FrontNet, "172.18.0.3"));

        var routes = EdgeRoutes.For(nginx, Proxy(), "kf.example.org", Local);

        var route = Assert.Single(routes);
        Assert.Equal((new Uri("http://127.0.0.1:8080/"), "127.0.0.1", 8080, false), (route.Request, route.ConnectHost, route.ConnectPort, route.ThroughProxy));
    }

    [Fact]
    public void For_NoPortAndATlsProxy_AsksThePublicHostOverHttpsOnThePublishedThenTheContainerAddress()
    {
        var nginx = Container("kobofe-nginx-1", [new PortMapping(null, null, 80, "tcp")], (FrontNet, "172.18.0.3"));

        var routes = EdgeRoutes.For(nginx, Proxy(), "kf.example.org", "tcp://fe1.example.org:2376");

        Assert.Equal(
            [("https://kf.example.org/", "fe1.example.org", 44300, "checked through nginx_ssl_proxy at https://kf.example.org (fe1.example.org:44300)"),
             ("https://kf.example.org/", "172.18.0.9", 443, "checked through nginx_ssl_proxy at https://kf.example.org (172.18.0.9:443)")],
            routes.Select(r => (r.Request.ToString(), r.ConnectHost, r.ConnectPort, r.Via)));
        Assert.All(routes, r => Assert.True(r.ThroughProxy));
    }

    [Fact]
    public void For_ProxyWithoutTls_AsksPlainHttpOnPort80()
    {
        var nginx = Container("kobofe-nginx-1", [], (FrontNet, "172.18.0.3"));
        var proxy = Container("nginx-certbot-nginx_ssl_proxy-1", [new PortMapping(null, null, 80, "tcp")], (FrontNet, "172.18.0.9"));

        var route = Assert.Single(EdgeRoutes.For(nginx, proxy, "kf.example.org", Local));

        Assert.Equal(("http://kf.example.org/", "172.18.0.9", 80), (route.Request.ToString(), route.ConnectHost, route.ConnectPort));
    }

    [Fact]
    public void For_NoPortNoProxy_AsksTheContainerOwnAddressOnPort80WithThePublicHost()
    {
        var page = Container("kobomaintenance-maintenance-1", [], (FrontNet, "172.18.0.5"), ("kobobe_kobo-be-network", "172.19.0.5"));

        var routes = EdgeRoutes.For(page, null, "kf.example.org", Local);

        Assert.Equal([("http://kf.example.org/", "172.18.0.5", 80), ("http://kf.example.org/", "172.19.0.5", 80)],
            routes.Select(r => (r.Request.ToString(), r.ConnectHost, r.ConnectPort)));
        Assert.Contains("kobomaintenance-maintenance-1's own address 172.18.0.5:80", routes[0].Via, StringComparison.Ordinal);
    }

    [Fact]
    public void PickProxy_SeveralProxies_TakesTheRunningOneOnANetworkOfTheServer()
    {
        var nginx = Container("acme-kobofe-nginx-1", [], ("acme-kobofe_kobo-fe-network", "172.20.0.3"));
        ContainerSummary[] candidates =
        [
            Summary("other", "running", "kobofe_kobo-fe-network"),
            Summary("stopped", "exited", "acme-kobofe_kobo-fe-network"),
            Summary("ours", "running", "acme-kobofe_kobo-fe-network"),
        ];

        Assert.Equal("ours", EdgeRoutes.PickProxy(candidates, nginx)?.Id);
        Assert.Null(EdgeRoutes.PickProxy(candidates[..2], nginx));
    }

    [Theory]
    [InlineData("example.org", "kf", "kf.example.org")]
    [InlineData(null, "kf", null)]
    public void PublicHost_DomainVariables_GiveKoboformsHost(string? domain, string sub, string? expected) =>
        Assert.Equal(expected, EdgeRoutes.PublicHost(new PublicSite(domain, "https", sub)));

    [Fact]
    public void PublicHosts_KoboDomainVariables_GiveKfKcEe()
    {
        string[] env = ["PUBLIC_DOMAIN_NAME=example.org", "KOBOFORM_PUBLIC_SUBDOMAIN=forms", "ENKETO_EXPRESS_PUBLIC_SUBDOMAIN=ee"];

        Assert.Equal(["forms.example.org", "kc.example.org", "ee.example.org"], EdgeCertificates.PublicHosts(env));
        Assert.Empty(EdgeCertificates.PublicHosts(["KOBOFORM_PUBLIC_SUBDOMAIN=kf"]));
    }

    [Theory]
    [InlineData("kf.example.org", true)]
    [InlineData("KF.Example.org", true)]
    [InlineData("ee.example.org", true)]
    [InlineData("kc.other.org", false)]
    [InlineData("a.b.example.org", false)]
    public void Covers_ExactAndWildcardNames_MatchLikeTls(string host, bool covered) =>
        Assert.Equal(covered, EdgeCertificates.Covers(["kf.example.org", "*.example.org"], host));

    private static ContainerDetails Proxy() => Container("nginx-certbot-nginx_ssl_proxy-1",
        [new PortMapping("0.0.0.0", 44300, 443, "tcp"), new PortMapping("0.0.0.0", 8000, 80, "tcp")], (FrontNet, "172.18.0.9"));

    private static ContainerDetails Container(string name, PortMapping[] ports, params (string Name, string Ip)[] networks) =>
        new("id-" + name, name, "img", "sha", "running", true, 0, new HealthInfo("none", 0, null, null, null), 0,
            DateTimeOffset.UnixEpoch, null, null, false, [], [], new Dictionary<string, string>(), [],
            networks.Select(n => new NetworkAttachment(n.Name, "n", [], n.Ip)).ToList(), ports, []);

    private static ContainerSummary Summary(string id, string state, string network) =>
        new(id, ["/" + id], "img", state, state, new Dictionary<string, string> { ["com.docker.compose.service"] = "nginx_ssl_proxy" },
            DateTimeOffset.UnixEpoch, [], [new NetworkAttachment(network, "n", [], "172.20.0.9")]);
}
