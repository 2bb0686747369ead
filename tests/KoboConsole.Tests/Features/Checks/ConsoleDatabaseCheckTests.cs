using KoboConsole.Web.Features.Checks;

namespace KoboConsole.Tests.Features.Checks;

public sealed class ConsoleDatabaseCheckTests
{
    private static readonly ChecksOptions Options = new();

    private static CheckResult Evaluate(string? error = null, double ms = 3, long? servers = 1, string? hangfire = null, double? used = 40, string provider = "SQLite") =>
        ConsoleDatabaseCheck.Evaluate(new DatabaseReading(provider, provider == "SQLite" ? "SQLite /data/koboconsole.db" : "PostgreSQL db:5432/console", error, TimeSpan.FromMilliseconds(ms), servers, hangfire, used), Options);

    [Fact]
    public void Evaluate_Answers_OkNamingWhereAndHowFast()
    {
        var r = Evaluate();

        Assert.Equal((CheckKinds.Console, "database", CheckStates.Ok), (r.Check, r.Target, r.State));
        Assert.Equal("The console's database (SQLite /data/koboconsole.db) answers in 3 ms; its job storage has 1 server(s).", r.Message);
    }

    [Theory]
    [InlineData("SQLite", "data directory's volume")]
    [InlineData("PostgreSQL", "KoboConsole:Storage:ConnectionString")]
    public void Evaluate_NoAnswer_FailingWithWhatToCheck(string provider, string advice)
    {
        var r = Evaluate(error: "Connection refused", provider: provider);

        Assert.Equal(CheckStates.Failing, r.State);
        Assert.Contains("does not answer: Connection refused", r.Message, StringComparison.Ordinal);
        Assert.Contains(advice, r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_JobStorageUnreadable_Failing() =>
        Assert.Equal(CheckStates.Failing, Evaluate(hangfire: "relation hangfire.server does not exist", servers: null).State);

    [Fact]
    public void Evaluate_NoJobServer_WarningToRestart()
    {
        var r = Evaluate(servers: 0);

        Assert.Equal(CheckStates.Warning, r.State);
        Assert.Contains("Restart the console", r.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(96, CheckStates.Failing)]
    [InlineData(90, CheckStates.Warning)]
    [InlineData(50, CheckStates.Ok)]
    public void Evaluate_SqliteFilesystemFilling_WarnsThenFails(double used, string state) =>
        Assert.Equal(state, Evaluate(used: used).State);

    [Fact]
    public void Evaluate_SlowAnswer_Warning() =>
        Assert.Contains("took 1500 ms", Evaluate(ms: 1500).Message, StringComparison.Ordinal);
}
