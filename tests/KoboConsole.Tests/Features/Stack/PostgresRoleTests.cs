using KoboConsole.Web.Features.Stack;

namespace KoboConsole.Tests.Features.Stack;

public sealed class PostgresRoleTests
{
    [Theory]
    [InlineData("primary", ReplicationRole.Primary)]
    [InlineData("master", ReplicationRole.Primary)]
    [InlineData("Primary", ReplicationRole.Primary)]
    [InlineData("MASTER", ReplicationRole.Primary)]
    [InlineData(" master ", ReplicationRole.Primary)]
    [InlineData("secondary", ReplicationRole.Secondary)]
    [InlineData("slave", ReplicationRole.Secondary)]
    [InlineData("SeCoNdArY", ReplicationRole.Secondary)]
    [InlineData("Slave", ReplicationRole.Secondary)]
    [InlineData("replica", ReplicationRole.Unknown)]
    [InlineData("standby", ReplicationRole.Unknown)]
    [InlineData("primary2", ReplicationRole.Unknown)]
    public void Parse_KobosWordsInAnyCase_GivesTheRole(string word, ReplicationRole expected) =>
        Assert.Equal(expected, PostgresRole.Parse(word).Kind);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Parse_Unset_StandalonePrimary(string? word)
    {
        var role = PostgresRole.Parse(word);

        Assert.Equal(ReplicationRole.Primary, role.Kind);
        Assert.Null(role.Word);
        Assert.Contains("not set", role.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownWord_KeptAsConfiguredAndSaidSo()
    {
        var role = PostgresRole.Parse("Replica");

        Assert.Equal("Replica", role.Word);
        Assert.Equal("Replica", role.Shown);
        Assert.Equal("unknown role: KOBO_POSTGRES_DB_SERVER_ROLE=Replica is none of primary, master, secondary, slave", role.Describe());
    }

    [Fact]
    public void Parse_KnownWord_KeptAsConfigured() =>
        Assert.Equal("Slave", PostgresRole.Parse("Slave").Word);

    [Theory]
    [InlineData(new[] { "POSTGRES_USER=kobo", "KOBO_POSTGRES_DB_SERVER_ROLE=slave" }, ReplicationRole.Secondary)]
    [InlineData(new[] { "KOBO_POSTGRES_DB_SERVER_ROLE=Primary" }, ReplicationRole.Primary)]
    [InlineData(new[] { "KOBO_POSTGRES_DB_SERVER_ROLEX=slave" }, ReplicationRole.Primary)]
    [InlineData(new[] { "KOBO_POSTGRES_DB_SERVER_ROLE=" }, ReplicationRole.Primary)]
    [InlineData(new[] { "KOBO_POSTGRES_DB_SERVER_ROLE=secondary", "KOBO_POSTGRES_DB_SERVER_ROLE=x" }, ReplicationRole.Unknown)]
    [InlineData(new string[0], ReplicationRole.Primary)]
    public void Of_Environment_ReadsKobosVariable(string[] env, ReplicationRole expected) =>
        Assert.Equal(expected, PostgresRole.Of(env).Kind);
}
