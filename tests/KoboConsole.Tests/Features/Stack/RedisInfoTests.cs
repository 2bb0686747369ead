using KoboConsole.Web.Features.Stack;

namespace KoboConsole.Tests.Features.Stack;

public sealed class RedisInfoTests
{
    [Fact]
    public void KeyCount_SeveralDatabases_SumsKeys()
    {
        const string Info = "# Keyspace\r\ndb0:keys=20,expires=2,avg_ttl=0\r\ndb1:keys=5,expires=0,avg_ttl=0\r\n";

        Assert.Equal(25, RedisInfo.KeyCount(Info));
    }

    [Fact]
    public void KeyCount_EmptyKeyspace_IsZero() => Assert.Equal(0, RedisInfo.KeyCount("# Keyspace\r\n"));

    [Fact]
    public void Field_Present_ParsesNumber() =>
        Assert.Equal(0, RedisInfo.Field("# Persistence\r\nloading:0\r\nrdb_last_load_keys_expired:3\r\n", "loading"));
}
