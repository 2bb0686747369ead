using KoboConsole.Web.Features.Maintenance;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Tests.Features.Maintenance;

public sealed class MaintenanceContainerTests
{
    [Fact]
    public void Spec_SameNginx_SameKeyDifferentName()
    {
        var a = SpecFor(Nginx());
        var b = SpecFor(Nginx());

        Assert.Equal(a.Labels[KoboNames.PreparedLabel], b.Labels[KoboNames.PreparedLabel]);
        Assert.NotEqual(a.Name, b.Name);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("network")]
    [InlineData("port")]
    [InlineData("image")]
    public void Spec_NginxChanged_NewKey(string what)
    {
        var nginx = Nginx();
        var changed = what switch
        {
            "id" => nginx with { Id = "fedcba9876543210" },
            "network" => nginx with { Networks = [.. nginx.Networks, new NetworkAttachment("other", null, ["nginx"], null)] },
            "port" => nginx with { Ports = [new PortMapping("0.0.0.0", 8081, 80, "tcp")] },
            _ => nginx with { ImageId = "sha256:new" },
        };

        Assert.NotEqual(SpecFor(nginx).Labels[KoboNames.PreparedLabel], SpecFor(changed).Labels[KoboNames.PreparedLabel]);
    }

    [Fact]
    public void Spec_Labels_MaintenanceProjectOnlyNoFieldsNoKoboComposeLabels()
    {
        var spec = SpecFor(Nginx());

        Assert.Equal("kobo-kobomaintenance", spec.Labels[KoboNames.ProjectLabel]);
        Assert.Equal("maintenance", spec.Labels[KoboNames.ServiceLabel]);
        Assert.DoesNotContain(spec.Labels, l => l.Key.StartsWith("com.docker.compose.", StringComparison.Ordinal)
            && l.Key is not (KoboNames.ProjectLabel or KoboNames.ServiceLabel or KoboNames.OneOffLabel));
        Assert.False(spec.Labels.ContainsKey(MaintenanceLabels.Eta));
        Assert.Equal("team-a", spec.Labels["org.example.team"]);
        Assert.Equal([new PortBindingSpec(80, 8080, "tcp", null)], spec.Ports);
        Assert.Equal(["kpi-alias", "nginx"], spec.Networks.Single().Aliases);
    }

    private static ContainerSpec SpecFor(ContainerDetails nginx) =>
        MaintenanceContainer.Spec("kobo-kobomaintenance", nginx, MaintenanceSwitch.PublishedPorts(nginx.Ports), null, TimeProvider.System);

    private static ContainerDetails Nginx() => new("0123456789abcdef", "kobo-kobofe-nginx-1", "nginx:1.27", "sha256:old", "running", true, 0,
        new HealthInfo("none", 0, null, null, null), 0, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, null, false, [], [],
        new Dictionary<string, string>
        {
            [KoboNames.ProjectLabel] = "kobo-kobofe",
            [KoboNames.ServiceLabel] = "nginx",
            ["com.docker.compose.config-hash"] = "abc",
            ["org.example.team"] = "team-a",
        },
        [], [new NetworkAttachment("kobo-fe_default", null, ["kpi-alias", "0123456789ab", "kobo-kobofe-nginx-1"], "172.18.0.2")],
        [new PortMapping("0.0.0.0", 8080, 80, "tcp"), new PortMapping("::", 8080, 80, "tcp")], []);
}
