using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Features.Topology.Health;
using KoboConsole.Web.Infrastructure.Probes;

namespace KoboConsole.Tests.Features.Topology;

public sealed class ReplicationFactsTests
{
    [Fact]
    public void ReplicationFacts_PrimaryWithAStandby_GivesBytesBehindAndReplayLag()
    {
        var r = new PostgresReplication(false, [new StandbyLag("10.213.0.2", "streaming", 120, TimeSpan.FromMilliseconds(3))], null, null, null, null);

        var facts = ServiceHealth.ReplicationFacts(PostgresRole.Parse("Master"), r);

        Assert.Equal(
            [("configured role", "Master"), ("server", "primary (accepts writes)"), ("standbys", "1"), ("replica 10.213.0.2", "streaming, 120 B behind, replay lag 0.003 s")],
            facts.Select(f => (f.Name, f.Value)));
    }

    [Fact]
    public void ReplicationFacts_Standby_GivesReplayDelayAndBacklog()
    {
        var r = new PostgresReplication(true, [], "primary.postgres.kobo.private:5432", "streaming", TimeSpan.FromSeconds(1.5), 0);

        var facts = ServiceHealth.ReplicationFacts(PostgresRole.Parse("secondary"), r);

        Assert.Equal(
            [("configured role", "secondary"), ("server", "standby (read-only, in recovery)"), ("upstream", "primary.postgres.kobo.private:5432 (streaming)"),
                ("replay delay", "1.5 s since the last replayed transaction"), ("replay backlog", "0 B received, not replayed")],
            facts.Select(f => (f.Name, f.Value)));
    }

    [Fact]
    public void ReplicationFacts_ConfiguredSecondaryThatAcceptsWrites_SaysItContradicts()
    {
        var facts = ServiceHealth.ReplicationFacts(PostgresRole.Parse("slave"), new PostgresReplication(false, [], null, null, null, null));

        Assert.Equal("primary (accepts writes) (contradicts KOBO_POSTGRES_DB_SERVER_ROLE=slave)", Assert.Single(facts, f => f.Name == "server").Value);
    }

    [Fact]
    public void ReplicationFacts_StandaloneWithoutStandbys_NoStandbyCount()
    {
        var facts = ServiceHealth.ReplicationFacts(PostgresRole.Standalone, new PostgresReplication(false, [], null, null, null, null));

        Assert.Equal(["configured role", "server"], facts.Select(f => f.Name));
        Assert.Equal("not set (standalone)", facts[0].Value);
    }
}
