using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.IntegrationTests.Security;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Checks;

namespace KoboConsole.IntegrationTests.Checks;

/// <summary>The console's own database as a check: in the checks list and the overview's "console itself" group, with no Docker engine at all.</summary>
public sealed class ConsoleDatabaseCheckTests
{
    [Fact]
    public async Task Engine_SqliteStorage_DatabaseCheckIsListedOkNamingTheFile()
    {
        var settings = RoleClients.NoDocker();
        settings["KoboConsole:Checks:Enabled"] = "true";
        settings["KoboConsole:Checks:ServiceIntervalSeconds"] = "5";
        await using var app = new ConsoleAppFactory(settings);
        using var viewer = await RoleClients.ForRoleAsync(app, "viewer");

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        CheckResponse? database = null;
        while (database?.State != CheckStates.Ok)
        {
            await Task.Delay(200, cts.Token);
            var checks = await viewer.GetFromJsonAsync<List<CheckResponse>>("/api/v1/checks", JsonSerializerOptions.Web, cts.Token);
            database = checks!.FirstOrDefault(c => c.Id == "console:database");
        }

        Assert.Matches(@"^The console's database \(SQLite .+koboconsole\.db\) answers in \d+ ms; its job storage (has [1-9]\d* server\(s\)|answers)\.$", database.Message);
        var overview = KoboConsole.Web.Features.Checks.CheckOverview.Build([new CheckStatus(database.Check, database.Target, database.State, database.Message, database.Since, database.CheckedAt, null)], [], DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow);
        Assert.Equal("The console itself", Assert.Single(overview.Groups).Title);
    }
}
