using KoboConsole.Tests.Features.Topology;
using KoboConsole.Web.Features.Stack;

namespace KoboConsole.Tests.Features.Stack;

public sealed class PostgresPrimaryTests
{
    [Theory]
    [InlineData("primary", "secondary")]
    [InlineData("master", "slave")]
    [InlineData("Master", "SLAVE")]
    [InlineData(null, "secondary")]
    public void Choose_PrimaryAndSecondary_ChoosesThePrimaryAndNamesTheSecondary(string? primaryWord, string secondaryWord)
    {
        var secondary = Member("kobobe-postgres-1", "back2", secondaryWord);
        var primary = Member("kobobe-postgres-1", "back1", primaryWord);

        var choice = PostgresPrimary.Choose([secondary, primary], "back up");

        Assert.Same(primary, choice.Primary);
        Assert.Equal([secondary], choice.Secondaries);
        Assert.Null(choice.Problem);
        Assert.StartsWith("kobobe-postgres-1 on back1 (primary: ", choice.Describe(), StringComparison.Ordinal);
        Assert.Contains("the secondary kobobe-postgres-1 on back2", choice.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Choose_OneStandaloneServer_ChoosesIt()
    {
        var only = Member("kobobe-postgres-1", "main", null);

        var choice = PostgresPrimary.Choose([only], "back up");

        Assert.Same(only, choice.Primary);
        Assert.Equal("kobobe-postgres-1 on main (primary: KOBO_POSTGRES_DB_SERVER_ROLE is not set (a standalone server))", choice.Describe());
    }

    [Fact]
    public void Choose_OnlyASecondary_RefusesNamingIt()
    {
        var choice = PostgresPrimary.Choose([Member("kobobe-postgres-1", "back2", "slave")], "restore");

        Assert.Null(choice.Primary);
        Assert.StartsWith("only the secondary kobobe-postgres-1 on back2 (secondary: KOBO_POSTGRES_DB_SERVER_ROLE=slave) runs", choice.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Choose_UnknownRoleAndASecondary_RefusesSayingItIsNotBackedUpAutomatically()
    {
        var choice = PostgresPrimary.Choose([Member("kobobe-postgres-1", "back1", "replica"), Member("kobobe-postgres-1", "back2", "secondary")], "back up");

        Assert.Null(choice.Primary);
        Assert.Contains("kobobe-postgres-1 on back1 has KOBO_POSTGRES_DB_SERVER_ROLE=replica", choice.Problem, StringComparison.Ordinal);
        Assert.Contains("never picks it automatically to back up (it might be a standby)", choice.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Choose_PrimaryBesideAnUnknownRole_ChoosesThePrimaryAndLeavesTheOtherAlone()
    {
        var primary = Member("kobobe-postgres-1", "back1", "primary");

        var choice = PostgresPrimary.Choose([primary, Member("kobobe-postgres-1", "back2", "Replica")], "back up");

        Assert.Same(primary, choice.Primary);
        Assert.Empty(choice.Secondaries);
        Assert.Contains("the container kobobe-postgres-1 on back2 (unknown role: KOBO_POSTGRES_DB_SERVER_ROLE=Replica", choice.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Choose_TwoPrimariesOfOneInstall_RefusesAskingForTheRole()
    {
        var choice = PostgresPrimary.Choose([Member("kobobe-postgres-1", "back1", null), Member("kobobe-postgres-1", "back2", "master")], "back up");

        Assert.Null(choice.Primary);
        Assert.StartsWith("2 running postgres containers are each a primary", choice.Problem, StringComparison.Ordinal);
        Assert.Contains("set KOBO_POSTGRES_DB_SERVER_ROLE=secondary on the standby", choice.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Choose_TwoInstalls_RefusesAskingForThePrefix()
    {
        var choice = PostgresPrimary.Choose([Member("kobobe-postgres-1", "main", null), Member("a-kobobe-postgres-1", "main", null, "a-kobobe")], "drill");

        Assert.Equal("several kobo installs have a running 'postgres' (kobobe, a-kobobe); set KoboConsole:Stack:Prefix to the one to drill.", choice.Problem);
    }

    [Fact]
    public void Choose_NoneRunning_SaysSo() =>
        Assert.StartsWith("no running 'postgres' container", PostgresPrimary.Choose([], "back up").Problem, StringComparison.Ordinal);

    [Fact]
    public async Task ChooseAsync_HostDoesNotAnswer_ProblemNamesTheContainerInsteadOfThrowing()
    {
        var engine = new DownEngine("back2");
        var snapshot = new StackSnapshot([], [Member("kobobe-postgres-1", "back2", null).Container], DateTimeOffset.UnixEpoch);

        var choice = await new PostgresPrimary(engine).ChooseAsync(snapshot, "restore", CancellationToken.None);

        Assert.Null(choice.Primary);
        Assert.StartsWith("the role of kobobe-postgres-1 on back2 cannot be read (", choice.Problem, StringComparison.Ordinal);
        Assert.EndsWith("then restore again.", choice.Problem, StringComparison.Ordinal);
    }

    private static PostgresMember Member(string name, string host, string? role, string project = "kobobe") =>
        new(new KoboContainer(host, $"{host}-{name}", name, project, "postgres", KoboRole.Backend, "running", "Up", "postgres:15",
            DateTimeOffset.UnixEpoch, false, [], [], new Dictionary<string, string>()), PostgresRole.Parse(role));
}
