using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Features.Topology;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Tests.Features.Topology;

public sealed class KoboRelationsTests
{
    private static readonly NetworkAttachment Fe = new("kobofe_kobo-fe-network", "fe1", ["nginx.internal"], "172.20.0.2");
    private static readonly NetworkAttachment Be = new("kobobe_kobo-be-network", "be1", ["postgres.kobo.private"], "172.21.0.2");

    [Fact]
    public void Links_BothEndsExist_OneLinkPerRelation()
    {
        var links = KoboRelations.Links([End("n", "nginx", Fe), End("k", "kpi", Fe, Be), End("p", "postgres", Be)]);

        Assert.Equal(
            [("k", "p", "postgres", false), ("n", "k", "http", false)],
            links.Select(l => (l.From, l.To, l.Kind, l.Broken)).Order());
    }

    [Fact]
    public void Links_TargetMissing_DrawsNothing()
    {
        var links = KoboRelations.Links([End("n", "nginx", Fe), End("w", "worker", Fe, Be)]);

        Assert.Empty(links);
    }

    [Fact]
    public void Links_NoSharedNetwork_MarksBroken()
    {
        var links = KoboRelations.Links([End("k", "kpi", Fe), End("p", "postgres", Be)]);

        Assert.True(Assert.Single(links).Broken);
    }

    [Fact]
    public void Links_ReplicasOnTwoHosts_LinkEveryPair()
    {
        var links = KoboRelations.Links([End("n", "nginx", Fe), End("k1", "kpi", Fe), End("k2", "kpi", Fe) with { Host = "fe2" }]);

        Assert.Equal(2, links.Count);
        Assert.False(links.Single(l => l.To == "k1").Broken);
        Assert.True(links.Single(l => l.To == "k2").Broken); // same network name, other engine: not the same network
    }

    [Fact]
    public void CanReach_ExtraHostsNamesTheTargetsPrivateName_IsTrue()
    {
        var kpi = End("k", "kpi", Fe) with { ExtraHosts = ["postgres.kobo.private:10.213.0.5"] };
        var postgres = End("p", "postgres", Be) with { Host = "back" };

        Assert.True(KoboRelations.CanReach(kpi, postgres));
        Assert.False(KoboRelations.CanReach(kpi, End("m", "mongo", Be with { Aliases = ["mongo.kobo.private"] }) with { Host = "back" }));
    }

    [Fact]
    public void CanReach_OnlyTheDefaultBridge_IsFalse()
    {
        var bridge = new NetworkAttachment("bridge", "b0", [], "172.17.0.2");

        Assert.False(KoboRelations.CanReach(End("k", "kpi", bridge), End("p", "postgres", bridge)));
    }

    [Theory]
    [InlineData("Up 3 minutes (healthy)", "healthy")]
    [InlineData("Up 3 minutes (unhealthy)", "unhealthy")]
    [InlineData("Up 2 seconds (health: starting)", "starting")]
    [InlineData("Exited (0) 5 seconds ago", "none")]
    public void HealthFromStatus_DockerStatusText_GivesHealth(string status, string health) =>
        Assert.Equal(health, TopologyService.HealthFromStatus(status));

    [Theory]
    [InlineData("master", "slave")]
    [InlineData("primary", "secondary")]
    [InlineData("PRIMARY", "Secondary")]
    [InlineData(null, "secondary")]
    public void Links_SecondaryPostgresOnAnotherHost_ReplicationLinkToThePrimaryAndNoWriterLinks(string? primaryWord, string secondaryWord)
    {
        var primary = End("p1", "postgres", Be) with { DbRole = PostgresRole.Parse(primaryWord) };
        var secondary = End("p2", "postgres", Be) with { Host = "be2", DbRole = PostgresRole.Parse(secondaryWord) };

        var links = KoboRelations.Links([End("k", "kpi", Fe, Be), primary, secondary]);

        Assert.Equal(
            [("k", "p1", "postgres", false), ("p2", "p1", "replication", false)],
            links.Select(l => (l.From, l.To, l.Kind, l.Broken)).Order());
    }

    [Fact]
    public void Links_SecondaryOnTheSameHostWithoutASharedNetwork_ReplicationLinkBroken()
    {
        var primary = End("p1", "postgres", Be) with { DbRole = PostgresRole.Parse("primary") };
        var secondary = End("p2", "postgres", Fe) with { DbRole = PostgresRole.Parse("secondary") };

        Assert.True(Assert.Single(KoboRelations.Links([primary, secondary])).Broken);
    }

    [Fact]
    public void Links_TwoPostgresWithoutRoles_NoReplicationLink()
    {
        Assert.Empty(KoboRelations.Links([End("p1", "postgres", Be), End("p2", "postgres", Be)]));
    }

    [Fact]
    public void Links_SecondaryWithAnUnknownRoleBeside_NoReplicationLinkToTheUnknown()
    {
        var unknown = End("p1", "postgres", Be) with { DbRole = PostgresRole.Parse("replica") };
        var secondary = End("p2", "postgres", Be) with { Host = "be2", DbRole = PostgresRole.Parse("slave") };

        Assert.Empty(KoboRelations.Links([unknown, secondary]));
    }

    private static LinkEnd End(string id, string service, params NetworkAttachment[] networks) => new(id, "main", service, networks, []);
}
