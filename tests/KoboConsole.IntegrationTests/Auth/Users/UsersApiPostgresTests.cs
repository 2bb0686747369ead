using System.Net;
using System.Net.Http.Json;
using KoboConsole.IntegrationTests.Security;
using KoboConsole.IntegrationTests.Storage;
using KoboConsole.Testing;
using Npgsql;

namespace KoboConsole.IntegrationTests.Auth.Users;

/// <summary>
/// <see cref="UsersApiCases"/> on PostgreSQL storage (a real PostgreSQL, a new database per test),
/// and the last-admin guard against two demotions of two different admins at the same moment.
/// </summary>
public sealed class UsersApiPostgresTests(ConsolePostgresFixture pg) : UsersApiCases, IClassFixture<ConsolePostgresFixture>
{
    private string _connectionString = "";

    protected override async Task<Dictionary<string, string?>> SettingsAsync()
    {
        _connectionString = await pg.NewDatabaseAsync();
        var settings = RoleClients.NoDocker();
        settings["KoboConsole:Storage:Provider"] = "PostgreSql";
        settings["KoboConsole:Storage:ConnectionString"] = _connectionString;
        return settings;
    }

    [Fact]
    public async Task Put_TwoAdminsDemotedAtTheSameMoment_OneSucceedsOneIs409AndAnAdminRemains()
    {
        await CreateAsync("ada", "admin");
        // Hold both admins' rows so that both demotions are inside the database, waiting, before either goes on.
        await using var holder = new NpgsqlConnection(_connectionString);
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await using (var lockRows = new NpgsqlCommand("SELECT username FROM users WHERE role = 'admin' FOR UPDATE", holder, hold))
        {
            await lockRows.ExecuteNonQueryAsync();
        }

        var demoteAda = Admin.PutAsJsonAsync("/api/v1/users/ada", new { role = "operator" });
        var demoteAdmin = Admin.PutAsJsonAsync("/api/v1/users/admin", new { role = "operator" });
        await WaitForLockWaitersAsync(2);
        await hold.CommitAsync();
        using var first = await demoteAda;
        using var second = await demoteAdmin;

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], new[] { first.StatusCode, second.StatusCode }.Order());
        await using var count = new NpgsqlCommand("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0", holder);
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }

    // Waits (bounded) until that many other sessions of this database wait for a row lock: both requests are in.
    private async Task WaitForLockWaitersAsync(int waiters)
    {
        await using var watcher = new NpgsqlConnection(_connectionString);
        await watcher.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", watcher);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((long)(await query.ExecuteScalarAsync())! < waiters)
        {
            Assert.True(DateTime.UtcNow < deadline, "the two demotions never both waited for the admins' rows");
            await Task.Delay(50);
        }
    }
}
